"""Callback signatures and AES, through wechatpy's WeCom crypto (never our own AES code), and
the outer XML envelope, read with a parser that refuses DTDs and entities."""
from __future__ import annotations

import logging
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_xml
from defusedxml import DefusedXmlException
from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from bot.inbound import Refused
from bot.wecom.config import WeComConfig

log = logging.getLogger(__name__)
MAX_XML = 256 * 1024  # WeCom callbacks are a few KB; refuse anything far bigger before parsing



def parse_xml(data: bytes | str) -> Element:
    """Parse untrusted XML: no DTD, no entities, no external references."""
    if len(data) > MAX_XML:
        raise Refused("XML body too large")
    try:
        return safe_xml.fromstring(data, forbid_dtd=True, forbid_entities=True,
                                   forbid_external=True)
    except DefusedXmlException as error:
        raise Refused(f"XML with a DTD or entities refused ({type(error).__name__})") from None
    except safe_xml.ParseError as error:
        raise Refused(f"malformed XML ({error})") from None


class CallbackCrypto:
    def __init__(self, config: WeComConfig) -> None:
        self._crypto = WeChatCrypto(config.token, config.aes_key, config.corp_id)

    def verify_url(self, signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """GET URL check: the decrypted echostr, which must be answered as the plain body."""
        return self._open(lambda: self._crypto.check_signature(signature, timestamp, nonce, echostr))

    def open_message(self, body: bytes, signature: str, timestamp: str, nonce: str) -> str:
        """POST body -> the plaintext XML inside, after checking signature and corp id."""
        envelope = parse_xml(body)
        encrypted = envelope.findtext("Encrypt")
        if not encrypted:
            raise Refused("no Encrypt element")
        return self._open(lambda: self._crypto.decrypt_message(
            {"Encrypt": encrypted}, signature, timestamp, nonce))

    def seal(self, plaintext: str, nonce: str, timestamp: str) -> str:
        """Encrypt and sign a message the way WeCom does (passive replies; test payloads)."""
        return self._crypto.encrypt_message(plaintext, nonce, timestamp)

    @staticmethod
    def _open(step) -> str:  # noqa: ANN001
        try:
            return step()
        except InvalidSignatureException:
            raise Refused("wrong msg_signature", 403) from None
        except InvalidCorpIdException:
            raise Refused("corp id in the message is not ours", 403) from None
        except Exception as error:  # wrong key or garbage: padding, length, utf-8, base64 …
            raise Refused(f"cannot decrypt ({type(error).__name__})") from None
