"""Single sign-on with OpenID Connect: providers from the environment, placement rules that
administrators edit, and local passwords switched off per organisation."""
