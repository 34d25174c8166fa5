"""WeCom (企业微信) edge: a self-built app's callback URL in, the WeCom server API out."""
