// A real OpenID Connect provider (the oidc-provider package) for LeanHub's sign-on tests.
//
// It listens on 127.0.0.1:PORT and issues tokens for the clients in CLIENTS (a JSON array of
// oidc-provider client records). Its sign-in form accepts any login whose account is listed
// below; the password is not checked. Signing keys come from JWKS_FILE (a JSON Web Key Set with
// private keys) so that tests can tell which key the provider signs with.
import { readFileSync } from 'node:fs';
import Provider from 'oidc-provider';

const port = Number(process.env.PORT);
const clients = JSON.parse(process.env.CLIENTS || '[]');
const jwks = JSON.parse(readFileSync(process.env.JWKS_FILE, 'utf8'));

// The people this provider knows, by login: the claims it gives about each.
const ACCOUNTS = {
  alice: {
    email: 'alice@jcp.example.gov.uk', email_verified: true, name: 'Alice Ndlovu',
    groups: ['jcp-leads'],
  },
  bob: {
    email: 'bob@council.example.gov.uk', email_verified: true, name: 'Bob Evans', groups: [],
  },
  nobody: {
    email: 'nobody@elsewhere.example.org', email_verified: true, name: 'No Body', groups: [],
  },
  // A person whose provider sends no e-mail address at all.
  noemail: { name: 'Nia Noemail', groups: ['jcp-leads'] },
};

const configuration = {
  clients,
  jwks,
  cookies: { keys: ['leanhub-test-provider-cookie-key'] },
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name'],
    groups: ['groups'],
  },
  scopes: ['openid', 'offline_access', 'email', 'profile', 'groups'],
  features: {
    devInteractions: { enabled: true },
    rpInitiatedLogout: { enabled: true },
  },
  pkce: { required: () => false },
  async findAccount(ctx, id) {
    const account = ACCOUNTS[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, ...account };
      },
    };
  },
  // First-party clients: no consent screen, every scope asked for is granted.
  async loadExistingGrant(ctx) {
    const grantId = ctx.oidc.result?.consent?.grantId
      || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope('openid email profile groups');
    grant.addOIDCClaims(['sub', 'email', 'email_verified', 'name', 'groups']);
    await grant.save();
    return grant;
  },
};

const provider = new Provider(`http://127.0.0.1:${port}`, configuration);
provider.on('server_error', (ctx, error) => console.error('server_error', error));
for (const event of ['end_session.error', 'grant.error', 'authorization.error', 'userinfo.error']) {
  provider.on(event, (ctx, error) => console.error(event, error, error.cause));
}
provider.listen(port, '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${port}`);
});
