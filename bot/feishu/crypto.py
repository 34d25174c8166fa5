"""Feishu callback security: the request signature and the AES envelope.

Signature: sha256_hex(timestamp + nonce + encrypt_key + raw body) — plain SHA-256 over the
concatenation, not HMAC, and over the body bytes exactly as received. Only sent (and only
checkable) when an Encrypt Key is configured. Decryption is lark-oapi's `AESCipher`
(AES-256-CBC, key = sha256(encrypt_key), IV = the first 16 bytes of the ciphertext).
"""
from __future__ import annotations

import binascii
import hashlib
import hmac
import json
from typing import Any

from lark_oapi.core.utils import AESCipher


class CallbackRefused(Exception):
    """The request is not an authentic, readable Feishu callback. `status` is the HTTP answer."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status, self.reason = status, reason


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def check_signature(headers: Any, encrypt_key: str, body: bytes) -> None:
    timestamp = headers.get("X-Lark-Request-Timestamp", "")
    nonce = headers.get("X-Lark-Request-Nonce", "")
    given = headers.get("X-Lark-Signature", "")
    expected = signature(timestamp, nonce, encrypt_key, body)
    if not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CallbackRefused(401, "signature verification failed")


def decrypt(encrypt_key: str, encrypted: Any) -> dict[str, Any]:
    """The JSON object inside an `{"encrypt": "..."}` envelope."""
    if not encrypt_key:
        raise CallbackRefused(400, "encrypted body but no encrypt key is configured")
    if not isinstance(encrypted, str):
        raise CallbackRefused(400, "encrypt must be a string")
    return parse_json(decrypt_text(encrypt_key, encrypted).encode())


def decrypt_text(encrypt_key: str, encrypted: str) -> str:
    try:
        return AESCipher(encrypt_key).decrypt_str(encrypted)
    except (ValueError, binascii.Error, UnicodeDecodeError):
        raise CallbackRefused(400, "body could not be decrypted") from None


def parse_json(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise CallbackRefused(400, "body is not JSON") from None
    if not isinstance(body, dict):
        raise CallbackRefused(400, "body is not a JSON object")
    return body
