// oidc-provider's reference adapter, used only as the baseline of the adapter contract tests.
declare module 'oidc-provider/lib/adapters/memory_adapter.js' {
  import type { Adapter } from 'oidc-provider';
  const MemoryAdapter: new (model: string) => Adapter;
  export default MemoryAdapter;
}
