// The requests the provider makes on its own: back-channel logout notices to relying parties,
// a client's `jwks_uri` and `sector_identifier_uri`. A URL in client metadata must not turn the
// provider into a way into the network it runs in (SSRF), so an address in IANA's special-use
// ranges (loopback, private networks, link-local, cloud metadata...) is refused once the
// connection is made, before anything is sent — oidc-provider's own rule — except in the
// networks the operator names in OUTBOUND_ALLOWED_NETWORKS: where a government's relying
// parties live, often a private network.
//
// oidc-provider applies that rule itself only when it finds Node's global HTTP dispatcher, and
// then with no exception: relying parties on a private network never received a logout notice.
// Here the rule and its exceptions are the service's, on a dispatcher of its own (undici, the
// library behind Node's fetch), the same under `npm start` and under the tests.
import { BlockList, isIP, type Socket } from 'node:net';
import { isSpecialUseIP } from 'oidc-provider/lib/helpers/fetch_request.js';
import { Agent, buildConnector, fetch as undiciFetch } from 'undici';
import { parseNetwork } from '../config/networks.js';

/** An outgoing connection to an address the rule refuses. */
export class OutboundAddressRefused extends Error {
  override name = 'OutboundAddressRefused';
  constructor(readonly address: string) {
    super(`refused to connect to ${address}: a special-use address outside OUTBOUND_ALLOWED_NETWORKS`);
  }
}

/** Whether a connection to `address` is refused: special-use, and in none of `allowed`. */
export function refusesAddress(allowed: readonly string[]): (address: string) => boolean {
  const list = new BlockList();
  for (const network of allowed) {
    const parsed = parseNetwork(network);
    if (!parsed) throw new Error(`not a network: ${network}`); // the configuration checked it
    list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return (address) => isSpecialUseIP(address) && !list.check(address, isIP(address) === 6 ? 'ipv6' : 'ipv4');
}

export interface OutboundFetch {
  /** oidc-provider's `fetch` option: undici's fetch on a dispatcher that applies the rule above. */
  fetch: typeof fetch;
  /** Closes the connections kept open to relying parties. */
  close(): Promise<void>;
}

export function createOutboundFetch(allowedNetworks: readonly string[]): OutboundFetch {
  const refused = refusesAddress(allowedNetworks);
  const connect = buildConnector({});
  const dispatcher = new Agent({
    connect(options, callback) {
      connect(options, (error, socket) => {
        if (error) return callback(error, null);
        const address = (socket as Socket).remoteAddress;
        if (address === undefined || refused(address)) {
          socket.destroy();
          return callback(new OutboundAddressRefused(address ?? 'an unknown address'), null);
        }
        return callback(null, socket);
      });
    },
  });
  return {
    // oidc-provider passes its own dispatcher when it found Node's: this one replaces it.
    fetch: ((url: string, init: RequestInit) =>
      undiciFetch(url, { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher })) as unknown as typeof fetch,
    close: () => dispatcher.close(),
  };
}
