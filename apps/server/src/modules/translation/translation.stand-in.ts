import http from 'node:http';
import type { AddressInfo } from 'node:net';

/*
 * A local stand-in for the three translation providers, speaking each one's documented wire format
 * (DeepL /v2/translate + /v2/languages, LibreTranslate /translate + /languages, Google Cloud
 * Translation v2 /language/translate/v2 + /languages) and recording what it receives, so adapter
 * tests can check the auth header, language codes and batching. Used by the unit tests, the e2e
 * server (NODE_ENV=test only) and the bench. Never in production.
 *
 * "Translation" is a phrase book (exact phrases, both ways) with a `[xx] ` prefix as the fallback,
 * applied only to the text between tags so placeholders come back untouched.
 */

export type StandInProvider = 'deepl' | 'libretranslate' | 'google';

export type RecordedRequest = {
  provider: StandInProvider;
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Parsed body: form fields (repeated `text` as an array) or JSON. */
  body: Record<string, unknown>;
};

export type ForcedFailure = { status: number; body: unknown; headers?: Record<string, string> };

export type StandInOptions = {
  deeplKey?: string;
  googleKey?: string;
  /** LibreTranslate: when set, requests must carry this api_key. */
  libreKey?: string;
};

/** Phrase book used by the e2e test; anything else gets a `[target] ` prefix. */
const PHRASES: [es: string, en: string][] = [
  ['Hola a todos, ¿qué tal el fin de semana?', 'Hi everyone, how was the weekend?'],
  ['Fuimos a la playa con los niños', 'We went to the beach with the kids'],
  ['Fuimos a la montaña con los niños', 'We went to the mountains with the kids'],
  ['Genial, nos quedamos en casa y vimos películas', 'Great, we stayed home and watched films'],
  ['Hola, ¿cómo estás?', 'Hi, how are you?'],
  ['Nos vemos mañana en la oficina', 'See you tomorrow at the office'],
];

const SPANISH_HINT = /[ñáéíóú¿¡]|\b(el|la|los|las|que|con|por|para|una|hola)\b/i;

export function standInDetect(text: string): string {
  return SPANISH_HINT.test(text) ? 'es' : 'en';
}

function stripTags(text: string): string {
  let out = '';
  let inTag = false;
  for (const ch of text) {
    if (ch === '<') inTag = true;
    else if (ch === '>' && inTag) inTag = false;
    else if (!inTag) out += ch;
  }
  return out;
}

export function standInTranslate(text: string, target: string): string {
  const t = target.toLowerCase().slice(0, 2);
  const plain = stripTags(text).trim();
  for (const [es, en] of PHRASES) {
    if (t === 'en' && plain === es) return text.replace(es, en);
    if (t === 'es' && plain === en) return text.replace(en, es);
  }
  // Prefix the first run of text outside tags so markup stays where it was.
  return `[${t}] ${text}`;
}

function readBody(req: http.IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('error', reject);
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (!raw) return resolve({});
      if ((req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          return resolve(JSON.parse(raw) as Record<string, unknown>);
        } catch {
          return resolve({ __invalid: raw });
        }
      }
      const form = new URLSearchParams(raw);
      const out: Record<string, unknown> = {};
      for (const key of new Set(form.keys())) {
        const all = form.getAll(key);
        out[key] = key === 'text' ? all : all[0];
      }
      resolve(out);
    });
  });
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

const asList = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)]);

const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'es', name: 'Spanish' },
  { code: 'fr', name: 'French' },
  { code: 'de', name: 'German' },
  { code: 'pt', name: 'Portuguese' },
];

type Answer = (
  req: http.IncomingMessage,
  url: URL,
  body: Record<string, unknown>,
  res: http.ServerResponse,
  options: StandInOptions,
) => void;

/** DeepL /v2/translate (form fields, repeated `text`) and /v2/languages. */
const deepLAnswer: Answer = (req, url, body, res, options) => {
  if (req.headers.authorization !== `DeepL-Auth-Key ${options.deeplKey ?? ''}`)
    return send(res, 403, { message: 'Wrong endpoint. Use https://api.deepl.com' });
  if (url.pathname === '/v2/languages')
    return send(
      res,
      200,
      LANGUAGES.map((l) => ({
        language: l.code === 'en' ? 'EN-US' : l.code === 'pt' ? 'PT-BR' : l.code.toUpperCase(),
        name: l.code === 'en' ? 'English (American)' : l.name,
        supports_formality: false,
      })),
    );
  const texts = asList(body.text);
  const target = String(body.target_lang ?? '');
  if (!texts.length || !target) return send(res, 400, { message: 'Parameter "text" or "target_lang" not specified.' });
  return send(res, 200, {
    translations: texts.map((t) => ({
      detected_source_language: String(body.source_lang ?? standInDetect(t)).toUpperCase(),
      text: standInTranslate(t, target),
      billed_characters: t.length,
    })),
  });
};

/** LibreTranslate /translate (JSON, `q` a string or a list) and /languages. */
const libreAnswer: Answer = (_req, url, body, res, options) => {
  if (url.pathname === '/languages')
    return send(
      res,
      200,
      LANGUAGES.map((l) => ({ ...l, targets: LANGUAGES.map((x) => x.code) })),
    );
  if (options.libreKey && body.api_key !== options.libreKey) return send(res, 403, { error: 'Invalid API key' });
  const target = String(body.target ?? '');
  if (!LANGUAGES.some((l) => l.code === target)) return send(res, 400, { error: `${target} is not supported` });
  const texts = asList(body.q);
  const translated = texts.map((t) => standInTranslate(t, target));
  const detected = texts.map((t) => ({ confidence: 90, language: standInDetect(t) }));
  return send(
    res,
    200,
    Array.isArray(body.q)
      ? { translatedText: translated, ...(body.source === 'auto' ? { detectedLanguage: detected } : {}) }
      : { translatedText: translated[0], ...(body.source === 'auto' ? { detectedLanguage: detected[0] } : {}) },
  );
};

/** Google Cloud Translation v2 /language/translate/v2 and /languages; errors in Google's error JSON. */
const googleAnswer: Answer = (req, url, body, res, options) => {
  if (req.headers['x-goog-api-key'] !== options.googleKey && url.searchParams.get('key') !== options.googleKey)
    return send(res, 400, {
      error: {
        code: 400,
        message: 'API key not valid. Please pass a valid API key.',
        errors: [
          { message: 'API key not valid. Please pass a valid API key.', domain: 'global', reason: 'badRequest' },
        ],
        status: 'INVALID_ARGUMENT',
        details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }],
      },
    });
  if (url.pathname.endsWith('/languages'))
    return send(res, 200, { data: { languages: LANGUAGES.map((l) => ({ language: l.code, name: l.name })) } });
  const texts = asList(body.q);
  const target = String(body.target ?? '');
  if (!texts.length || !target)
    return send(res, 400, {
      error: {
        code: 400,
        message: 'Missing required field target.',
        errors: [{ reason: 'required' }],
        status: 'INVALID_ARGUMENT',
      },
    });
  return send(res, 200, {
    data: {
      translations: texts.map((t) => ({
        translatedText: standInTranslate(t, target),
        ...(body.source ? {} : { detectedSourceLanguage: standInDetect(t) }),
      })),
    },
  });
};

export async function startTranslationStandIn(options: StandInOptions = {}, port = 0) {
  const requests: RecordedRequest[] = [];
  const failures: Record<StandInProvider, ForcedFailure[]> = { deepl: [], libretranslate: [], google: [] };
  /** Translation calls per provider (language lists not counted). */
  const calls: Record<StandInProvider, number> = { deepl: 0, libretranslate: 0, google: 0 };
  let delayMs = 0;

  function providerOf(path: string): StandInProvider | null {
    if (path.startsWith('/v2/')) return 'deepl';
    if (path.startsWith('/language/translate/v2')) return 'google';
    if (path === '/translate' || path === '/languages') return 'libretranslate';
    return null;
  }

  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const provider = providerOf(url.pathname);
    const body = await readBody(req);
    if (!provider) return send(res, 404, { error: 'not found' });
    requests.push({ provider, path: url.pathname, headers: req.headers, body });
    const isTranslate = req.method === 'POST';
    if (isTranslate) calls[provider] += 1;
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    const forced = failures[provider].shift();
    if (forced) return send(res, forced.status, forced.body, forced.headers);

    if (provider === 'deepl') return deepLAnswer(req, url, body, res, options);
    if (provider === 'libretranslate') return libreAnswer(req, url, body, res, options);
    return googleAnswer(req, url, body, res, options);
  });

  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    requests,
    calls,
    /** The next translation or language request to `provider` answers this instead. */
    failNext(provider: StandInProvider, failure: ForcedFailure, times = 1) {
      for (let i = 0; i < times; i++) failures[provider].push(failure);
    },
    setDelay(ms: number) {
      delayMs = ms;
    },
    reset() {
      requests.length = 0;
      for (const p of Object.keys(calls) as StandInProvider[]) {
        calls[p] = 0;
        failures[p].length = 0;
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type TranslationStandIn = Awaited<ReturnType<typeof startTranslationStandIn>>;
