"""How Feishu wraps a callback, written from the documented algorithm (not with our code):
AES-256-CBC with key sha256(encrypt_key) and a random IV in front, base64; the signature is
sha256_hex(timestamp + nonce + encrypt_key + raw body)."""
from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


def encrypt(encrypt_key: str, plaintext: str, iv: bytes | None = None) -> str:
    iv = iv or os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plaintext.encode()) + padder.finalize()
    key = hashlib.sha256(encrypt_key.encode()).digest()
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + encryptor.update(data) + encryptor.finalize()).decode()


def sign(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def wrap(payload: dict[str, Any], encrypt_key: str, timestamp: int, *, nonce: str = "n0nce",
         encrypted: bool = True) -> tuple[bytes, dict[str, str]]:
    """(body, headers) as Feishu would POST them."""
    plain = json.dumps(payload, ensure_ascii=False)
    body = json.dumps({"encrypt": encrypt(encrypt_key, plain)}).encode() if encrypted else plain.encode()
    ts = str(timestamp)
    return body, {"Content-Type": "application/json", "X-Lark-Request-Timestamp": ts,
                  "X-Lark-Request-Nonce": nonce,
                  "X-Lark-Signature": sign(ts, nonce, encrypt_key, body)}
