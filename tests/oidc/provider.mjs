// A real OpenID Connect provider (the certified `oidc-provider` package) for attest's
// sign-in tests. Usage: node provider.mjs PORT CONFIG.json
// CONFIG: { clients: [...], accounts: { "<login>": { email, email_verified, name, tid, oid, hd } },
//          freshKey: true, idTokenTtl: seconds }  (a new RSA signing key on every start: a restart rotates keys)
// Prints "ready" once listening. Its quick-start login and consent pages are plain HTML
// forms (any password is accepted); the login name is the account's subject.
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const [port, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));
const issuer = `http://127.0.0.1:${port}`;

function freshKey() {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid: `key-${Date.now()}`, use: 'sig', alg: 'RS256' };
}

const provider = new Provider(issuer, {
  clients: config.clients,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'tid', 'oid', 'hd'],
  },
  // Put the claims in the ID token itself, as Entra and Google do.
  conformIdTokenClaims: false,
  ttl: { IdToken: config.idTokenTtl ?? 3600 },
  findAccount: async (ctx, sub) => {
    const account = config.accounts[sub];
    if (!account) return undefined;
    return { accountId: sub, claims: async () => ({ sub, ...account }) };
  },
  ...(config.freshKey ? { jwks: { keys: [freshKey()] } } : {}),
});

// Errors go to stderr so a failing test shows why.
provider.on('server_error', (ctx, error) => console.error('oidc-provider server_error:', error));

provider.listen(Number(port), '127.0.0.1', () => console.log('ready'));
