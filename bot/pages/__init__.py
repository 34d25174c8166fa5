"""The customer's read-only project page (GET /p/{token}) and its signed, expiring links."""
