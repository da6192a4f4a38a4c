// The signed-in credential, kept in sessionStorage so that it ends with the browser tab and never reaches disk.
const credential_key = "credence.credential";

export function storedCredential(): string | null {
  return sessionStorage.getItem(credential_key);
}

export function storeCredential(credential: string): void {
  sessionStorage.setItem(credential_key, credential);
}

export function forgetCredential(): void {
  sessionStorage.removeItem(credential_key);
}
