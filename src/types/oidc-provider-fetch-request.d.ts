// oidc-provider's own test for the addresses its outgoing requests refuse (IANA's special-use
// ranges: loopback, private networks, link-local...), used by src/oidc/outbound-fetch.ts.
declare module 'oidc-provider/lib/helpers/fetch_request.js' {
  export function isSpecialUseIP(address: string): boolean;
}
