// A scripted browser: fetch with a cookie jar (path-scoped, as a browser does) and manual
// redirects, so a test sees every hop of an authorization request.
export interface Page {
  status: number;
  url: string;
  html: string;
  headers: Headers;
}

interface StoredCookie { name: string; value: string; path: string }

export class Browser {
  readonly cookies = new Map<string, StoredCookie>();
  #extraHeaders: Record<string, string> = {};

  /** Adds headers to every request (e.g. to pin a backend behind a proxy). */
  withHeaders(headers: Record<string, string>): this {
    this.#extraHeaders = { ...this.#extraHeaders, ...headers };
    return this;
  }

  constructor(private readonly origin: string, private readonly acceptLanguage = 'fr-FR,fr;q=0.9', private readonly userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36') {}

  #cookieHeader(url: URL): string {
    return [...this.cookies.values()]
      .filter((c) => url.pathname.startsWith(c.path))
      .sort((a, b) => b.path.length - a.path.length)
      .map((c) => `${c.name}=${c.value}`).join('; ');
  }

  #store(url: URL, headers: Headers) {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const [name, ...rest] = pair!.split('=');
      const value = rest.join('=');
      const pathAttribute = attributes.map((a) => a.trim()).find((a) => a.toLowerCase().startsWith('path='));
      const cookiePath = pathAttribute ? pathAttribute.slice(5) : url.pathname.replace(/\/[^/]*$/, '') || '/';
      const expired = /expires=Thu, 01 Jan 1970/i.test(line) || value === '';
      const key = `${name!.trim()}|${cookiePath}`;
      if (expired) this.cookies.delete(key);
      else this.cookies.set(key, { name: name!.trim(), value, path: cookiePath });
    }
  }

  async request(input: string, init: { method?: string; form?: Record<string, string>; body?: string; headers?: Record<string, string> } = {}): Promise<Page> {
    const url = new URL(input, this.origin);
    const headers: Record<string, string> = { 'accept-language': this.acceptLanguage, 'user-agent': this.userAgent, ...this.#extraHeaders, ...init.headers };
    const cookie = this.#cookieHeader(url);
    if (cookie) headers['cookie'] = cookie;
    let body = init.body;
    if (init.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, { method: init.method ?? (body ? 'POST' : 'GET'), headers, body, redirect: 'manual' });
    this.#store(url, response.headers);
    return { status: response.status, url: url.toString(), html: await response.text(), headers: response.headers };
  }

  get(url: string) {
    return this.request(url);
  }

  post(url: string, form: Record<string, string>) {
    return this.request(url, { method: 'POST', form });
  }

  /** Follows redirects while they stay on the provider; returns the last page, or the URL that leaves it. */
  async follow(start: Page): Promise<{ page: Page; leftTo?: URL }> {
    let page = start;
    for (let hops = 0; hops < 10 && page.status >= 300 && page.status < 400; hops += 1) {
      const next = new URL(page.headers.get('location')!, page.url);
      if (next.origin !== new URL(this.origin).origin) return { page, leftTo: next };
      page = await this.get(next.toString());
    }
    return { page };
  }

  async open(url: string) {
    return this.follow(await this.get(url));
  }

  async submit(url: string, form: Record<string, string>) {
    return this.follow(await this.post(url, form));
  }

  /** Submits the page's form whose action contains `action`, with its hidden fields, as a person would. */
  async fill(page: Page, action: string, fields: Record<string, string>) {
    return this.submit(formAction(page.html, action), { ...hiddenInputsOf(page.html, action), ...fields });
  }
}

/** The value of a hidden input in a page. */
export function hiddenInput(html: string, name: string): string {
  const match = new RegExp(`name="${name}"[^>]*value="([^"]*)"`).exec(html) ?? new RegExp(`value="([^"]*)"[^>]*name="${name}"`).exec(html);
  if (!match) throw new Error(`no hidden input ${name} in page`);
  return match[1]!;
}

/** Every hidden input of the form whose action contains `action`. */
export function hiddenInputsOf(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="[^"]*${action}[^"]*"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no form posting to *${action}*`);
  const fields: Record<string, string> = {};
  for (const input of form[1]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1];
    if (name) fields[name] = (value ?? '').replace(/&amp;/g, '&').replace(/&quot;/g, '"');
  }
  return fields;
}

export function formAction(html: string, contains: string): string {
  const match = new RegExp(`action="([^"]*${contains}[^"]*)"`).exec(html);
  if (!match) throw new Error(`no form posting to *${contains}*`);
  return match[1]!.replace(/&amp;/g, '&');
}

/** The text a person reads: tags removed, whitespace collapsed. */
export function visibleText(html: string): string {
  return html.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/g, ' ').replace(/<[^>]+>/g, ' ').replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&').replace(/\s+/g, ' ').trim();
}
