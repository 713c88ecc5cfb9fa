"""A pleasant test client: ``TelegramUser`` types messages and presses buttons.

``deliver`` decides how an update reaches the bot:

* handler tests (in-process Application)::

      async def deliver(update: dict[str, Any]) -> None:
          await application.process_update(Update.de_json(update, application.bot))

* end-to-end tests (the bot polls a FakeBotApiServer from another process)::

      deliver = functools.partial(deliver_via_polling, fake)
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from .core import MESSAGE_SENDING_METHODS, ApiCall, CallbackAnswer, FakeTelegram, StoredMessage

Deliver = Callable[[dict[str, Any]], Awaitable[None]]


async def deliver_via_polling(
    fake: FakeTelegram,
    update: dict[str, Any],
    *,
    quiet: float = 0.3,
    timeout: float = 10.0,  # noqa: ASYNC109 - the wait runs in a thread, not on the loop
    expect_response: bool = True,
) -> None:
    """Wait until a polling bot has taken ``update`` and finished reacting to it.

    "Taken" means the bot confirmed the update through a getUpdates offset (TimeoutError if
    that does not happen within ``timeout``: the bot is not polling). "Finished" means at least
    one non-getUpdates call arrived after the update was queued and then the API stayed quiet
    for ``quiet`` seconds; if no call arrives before ``timeout`` this returns anyway (assert on
    the fake's state). ``expect_response=False`` only waits for ``quiet`` after confirmation.
    The waits run in a thread, so the event loop is never blocked.
    """
    mark = fake.mark()
    update_id = int(update["update_id"])
    await asyncio.to_thread(
        fake.wait_processed,
        update_id,
        since_mark=mark,
        quiet=quiet,
        timeout=timeout,
        expect_response=expect_response,
    )


def _button_label(button: Any) -> str:
    if isinstance(button, str):
        return button
    if isinstance(button, dict):
        return str(button.get("text", ""))
    return str(button)


class TelegramUser:
    """One simulated user talking to the bot in their private chat (or a given chat)."""

    def __init__(
        self,
        fake: FakeTelegram,
        user_id: int,
        deliver: Deliver,
        *,
        first_name: str = "Ivan",
        language_code: str | None = "en",
        last_name: str | None = None,
        username: str | None = None,
        chat_id: int | None = None,
    ) -> None:
        self.fake = fake
        self.user_id = user_id
        self.chat_id = chat_id if chat_id is not None else user_id
        self._deliver = deliver
        if not fake.has_user(user_id):
            fake.add_user(
                user_id,
                first_name,
                last_name=last_name,
                username=username,
                language_code=language_code,
            )

    # ------------------------------------------------------------------------ actions

    def _chat_type(self) -> str:
        chat = self.fake.chat(self.chat_id)
        return chat.type if chat is not None else "private"

    async def send(self, text: str) -> None:
        """Type a message (commands too: "/start" gets a bot_command entity)."""
        update = self.fake.send_text(
            self.user_id,
            text,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
            chat_type=self._chat_type(),
        )
        await self._deliver(update)

    def _keyboard_message(self) -> StoredMessage:
        for message in reversed(self.fake.bot_messages(self.chat_id)):
            if message.inline_keyboard:
                return message
        raise AssertionError(
            f"no bot message with an inline keyboard in chat {self.chat_id}; bot messages: "
            f"{self.bot_texts()!r}"
        )

    async def press(self, label: str) -> None:
        """Press the inline button whose text contains ``label`` (case-insensitive).

        Looks at the newest bot message with an inline keyboard; an exact (case-insensitive)
        match wins over substring matches. AssertionError lists the buttons when none matches
        or when several buttons contain ``label``.
        """
        message = self._keyboard_message()
        buttons = message.buttons
        wanted = label.casefold()
        exact = [b for b in buttons if _button_label(b).casefold() == wanted]
        partial = [b for b in buttons if wanted in _button_label(b).casefold()]
        labels = [_button_label(b) for b in buttons]
        if exact:
            button = exact[0]
        elif len(partial) == 1:
            button = partial[0]
        elif partial:
            raise AssertionError(
                f"{label!r} matches several buttons {[_button_label(b) for b in partial]!r} "
                f"of message {message.message_id} ({message.text!r})"
            )
        else:
            raise AssertionError(
                f"no button matching {label!r} on message {message.message_id} "
                f"({message.text!r}); buttons: {labels!r}"
            )
        data = button.get("callback_data")
        if not isinstance(data, str):
            kinds = [k for k in button if k != "text"]
            raise AssertionError(
                f"button {_button_label(button)!r} is not a callback button ({kinds!r})"
            )
        await self.press_data(data, message.message_id)

    async def press_data(self, callback_data: str, message_id: int | None = None) -> None:
        """Press with raw/forged ``callback_data`` on ``message_id`` (default: newest keyboard
        message, else the newest bot message)."""
        if message_id is None:
            keyboard_messages = [m for m in self.fake.bot_messages(self.chat_id) if m.buttons]
            if keyboard_messages:
                message_id = keyboard_messages[-1].message_id
            else:
                last = self.fake.last_bot_message(self.chat_id)
                if last is None:
                    raise AssertionError(f"the bot has not sent anything to chat {self.chat_id}")
                message_id = last.message_id
        update = self.fake.press(
            self.user_id,
            message_id,
            callback_data,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
        )
        await self._deliver(update)

    async def edit(self, text: str, message_id: int | None = None) -> None:
        """Edit one of the user's own messages (default: their newest) to ``text``."""
        if message_id is None:
            own = [m for m in self.fake.messages(self.chat_id) if not m.from_bot]
            if not own:
                raise AssertionError(f"the user has sent nothing to chat {self.chat_id}")
            message_id = own[-1].message_id
        await self.send_update({"message_id": message_id, "text": text}, "edited_message")

    async def send_update(self, payload: dict[str, Any], kind: str = "message") -> None:
        """Send any other update (contact, location, photo, document, inline_query, ...)."""
        update = self.fake.send_update(
            self.user_id,
            payload,
            kind,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
            chat_type=self._chat_type(),
        )
        await self._deliver(update)

    # ----------------------------------------------------------------------- inspection

    @property
    def last_message(self) -> StoredMessage:
        """The newest (non-deleted) bot message in this chat."""
        message = self.fake.last_bot_message(self.chat_id)
        if message is None:
            raise AssertionError(f"the bot has not sent anything to chat {self.chat_id}")
        return message

    @property
    def last_text(self) -> str:
        """Plain text (or caption) of the newest bot message, after edits."""
        return self.last_message.text

    @property
    def last_html(self) -> str:
        """The newest bot message as sent with parse_mode HTML (plain text if it wasn't)."""
        message = self.last_message
        return message.html if message.html is not None else message.text

    @property
    def buttons(self) -> list[str]:
        """Inline button labels of the newest bot message that has an inline keyboard."""
        for message in reversed(self.fake.bot_messages(self.chat_id)):
            if message.inline_keyboard:
                return [_button_label(b) for b in message.buttons]
        return []

    @property
    def reply_keyboard(self) -> list[str]:
        """Labels of the reply keyboard currently shown ([] after ReplyKeyboardRemove)."""
        markup = self.fake.reply_keyboard(self.chat_id)
        if not markup:
            return []
        return [_button_label(b) for row in markup.get("keyboard", []) for b in row]

    @property
    def last_answer(self) -> CallbackAnswer | None:
        """The last answerCallbackQuery given to this user's presses."""
        answers = self.fake.callback_answers(self.user_id)
        return answers[-1] if answers else None

    @property
    def last_alert(self) -> str | None:
        """Text of the last callback answer (toast or alert) this user saw."""
        answer = self.last_answer
        return answer.text if answer else None

    def bot_texts(self) -> list[str]:
        """Texts of all (non-deleted) bot messages in this chat, oldest first."""
        return [m.text for m in self.fake.bot_messages(self.chat_id)]

    def mark(self) -> int:
        """A position in the API call log (see sent_count_since / calls_since)."""
        return self.fake.mark()

    def calls_since(self, mark: int) -> list[ApiCall]:
        """Non-getUpdates API calls since ``mark`` (any chat)."""
        return self.fake.calls_since(mark)

    def sent_count_since(self, mark: int) -> int:
        """How many new messages the bot successfully sent to this chat since ``mark``."""
        return sum(
            1
            for call in self.fake.calls_since(mark)
            if call.ok
            and call.method in MESSAGE_SENDING_METHODS
            and call.params.get("chat_id") == self.chat_id
        )
