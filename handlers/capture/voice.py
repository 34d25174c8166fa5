"""Voice messages (issue 17). An edge hands a voice message over as a `Message` with one
attachment of kind "voice" whose `ref` says how it went:

- HEARD: the platform or its speech-to-text API gave a transcript, which is the message's
  text; everything else treats it as if it had been typed (a command, or a sentence that may
  be proposed as a report, its card showing the transcript so the sender can check it).
- UNHEARD: nothing usable came back (too long, noise, the API refused): the sender is asked to
  say it again or type it.
- NO_RECOGNITION: the platform offers no recognition for it (WeCom apps): the sender is
  asked to type it.

Any other ref (a platform resource key) means the edge did not get round to it; it is treated
as UNHEARD."""
from __future__ import annotations

from handlers.chat.context import Ctx
from handlers.chat.contract import Attachment, Message, Text

VOICE = "voice"
HEARD = "voice:heard"
UNHEARD = "error:unheard"
NO_RECOGNITION = "error:no_recognition"


def voice_of(message: Message) -> Attachment | None:
    return next((a for a in message.attachments if a.kind == VOICE), None)


def heard(message: Message) -> bool:
    """A voice message whose text is its transcript."""
    voice = voice_of(message)
    return voice is not None and voice.ref == HEARD and bool(message.text.strip())


async def unheard(ctx: Ctx) -> bool:
    """True (and the sender told) when the message is a voice message nobody could hear.
    Asked directly (one-to-one) the answer is in the chat; in a group it goes to the sender
    alone, not to everyone."""
    message = ctx.message
    voice = voice_of(message)
    if voice is None or heard(message):
        return False
    key = "capture.voice.no_recognition" if voice.ref == NO_RECOGNITION else "capture.voice.unheard"
    if message.conversation.is_group and not message.addressed:
        if ctx.person is not None:
            await ctx.notify(ctx.person, Text(ctx.t(key)), key="voice")
    else:
        ctx.say(ctx.t(key))
    return True
