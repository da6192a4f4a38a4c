const { run } = await import("/work/main/bench/feed.ts");
await run(process.argv.slice(2));
