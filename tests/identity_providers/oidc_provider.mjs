// A real OpenID Provider (panva/oidc-provider, certified) for the sign-on tests.
// Usage: node oidc_provider.mjs CONFIG.json — the config names the port, the issuer, the clients,
// the signing keys (private JWKs) and a file of accounts ({login: {name, email, groups}}), which is
// re-read at every sign-in so that a test can change a person's groups between two sign-ins.
// Anyone signs in by typing their login and any password (the provider's development login page).
import fs from 'node:fs';
import Provider from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const accounts = () => JSON.parse(fs.readFileSync(config.accounts_file, 'utf8'));

const provider = new Provider(config.issuer, {
  clients: config.clients,
  jwks: config.jwks,
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name', 'groups'], email: ['email', 'email_verified'] },
  conformIdTokenClaims: false, // the claims go in the ID token, as Entra ID puts its groups there
  features: { devInteractions: { enabled: true }, rpInitiatedLogout: { enabled: true } },
  ttl: { IdToken: 300, AccessToken: 300, Interaction: 600, Session: 3600, Grant: 3600 },
  async findAccount(ctx, id) {
    const account = accounts()[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        return { sub: id, name: account.name, email: account.email, email_verified: true, groups: account.groups };
      },
    };
  },
  // First-party application: consent is given by the organisation, not asked of each person.
  async loadExistingGrant(ctx) {
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid profile email');
    grant.addOIDCClaims(['name', 'email', 'groups']);
    await grant.save();
    return grant;
  },
});
provider.proxy = false;
provider.listen(config.port, '127.0.0.1', () => console.log(`ready ${config.issuer}`));
