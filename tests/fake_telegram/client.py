"""A pleasant test client: ``TelegramUser`` types messages and presses buttons.

``deliver`` decides how an update reaches the bot:

* handler tests (in-process Application): ``TelegramUser`` with::

      async def deliver(update: dict[str, Any]) -> None:
          await application.process_update(Update.de_json(update, application.bot))

  When ``deliver`` returns, the bot has finished reacting.

* end-to-end tests (the bot polls a FakeBotApiServer from another process): ``PollingUser``.
  Each action waits until the bot took the update and then for the *expected* reaction in the
  chat (``expect=``: a new message, an edit of the pressed message, a text, an answer), never
  for a pause in the traffic: a bot slow to start reacting is waited for, not overtaken.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from .core import MESSAGE_SENDING_METHODS, ApiCall, CallbackAnswer, FakeTelegram, StoredMessage

Deliver = Callable[[dict[str, Any]], Awaitable[None]]
EDITING_METHODS = frozenset(
    {"editMessageText", "editMessageCaption", "editMessageReplyMarkup", "editMessageMedia"}
)
DELETING_METHODS = frozenset({"deleteMessage", "deleteMessages"})


class Outcome:
    """What the bot has done in one chat since an action began (expectations look at it)."""

    def __init__(
        self,
        fake: FakeTelegram,
        chat_id: int,
        mark: int,
        *,
        message_id: int | None = None,
        query_id: str | None = None,
    ) -> None:
        self.fake = fake
        self.chat_id = chat_id
        self.mark = mark
        self.message_id = message_id
        """The message whose button was pressed, if the action was a press."""
        self.query_id = query_id
        """The callback or inline query the action created, if any."""

    def calls(self) -> list[ApiCall]:
        """Successful calls about this chat since the action began."""
        return [
            c
            for c in self.fake.calls_since(self.mark)
            if c.ok and c.params.get("chat_id") == self.chat_id
        ]

    def new_messages(self) -> list[int]:
        """Ids of the messages the bot sent to this chat, oldest first."""
        return [
            int(c.result["message_id"])
            for c in self.calls()
            if c.method in MESSAGE_SENDING_METHODS and isinstance(c.result, dict)
        ]

    def changed(self, message_id: int) -> bool:
        """Whether the bot edited or deleted ``message_id``."""
        for call in self.calls():
            ids = call.params.get("message_ids") or [call.params.get("message_id")]
            if call.method in EDITING_METHODS | DELETING_METHODS and message_id in ids:
                return True
        return False

    def touched(self) -> list[StoredMessage]:
        """The bot's messages sent or edited since (as they are now), oldest first."""
        ids: set[object] = set(self.new_messages())
        ids |= {c.params.get("message_id") for c in self.calls() if c.method in EDITING_METHODS}
        return [m for m in self.fake.bot_messages(self.chat_id) if m.message_id in ids]

    def answered(self) -> bool:
        """Whether the callback query (or inline query) of the action was answered."""
        if self.query_id is None:
            return False
        return any(
            c.ok
            and c.method in ("answerCallbackQuery", "answerInlineQuery")
            and str(c.params.get("callback_query_id") or c.params.get("inline_query_id"))
            == self.query_id
            for c in self.fake.calls_since(self.mark)
        )


Expectation = Callable[[Outcome], bool]
"""What an action waits for (PollingUser); true once the expected reaction has happened."""


def new_message(count: int = 1) -> Expectation:
    """The bot sent ``count`` new messages to the chat (the last of a multi-message reply)."""
    return lambda outcome: len(outcome.new_messages()) >= count


def edited(message_id: int | None = None) -> Expectation:
    """The bot edited (or deleted) ``message_id``, by default the pressed message."""

    def check(outcome: Outcome) -> bool:
        target = message_id if message_id is not None else outcome.message_id
        return target is not None and outcome.changed(target)

    return check


def answered() -> Expectation:
    """The press (or inline query) was answered, whatever else happened."""
    return lambda outcome: outcome.answered()


def text(needle: str) -> Expectation:
    """A message the bot sent or edited since the action contains ``needle``."""
    return lambda outcome: any(needle in m.text for m in outcome.touched())


def taken() -> Expectation:
    """Nothing visible: only that the bot took the update (for updates it ignores)."""
    return lambda outcome: True


def reply_to_message() -> Expectation:
    """The default after typing: a new message in the chat, or an edit of one's content. A
    keyboard taken off an older message does not count: it is how the previous update ends
    (one live keyboard per flow), so it can arrive after this action began."""
    content_edits = EDITING_METHODS - {"editMessageReplyMarkup"}
    return lambda outcome: (
        bool(outcome.new_messages()) or any(c.method in content_edits for c in outcome.calls())
    )


def reply_to_press() -> Expectation:
    """The default after a press: it was answered, and the screen changed (the pressed
    message was edited or deleted, or a new message came)."""
    return lambda outcome: (
        outcome.answered() and (bool(outcome.new_messages()) or edited()(outcome))
    )


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

    async def send(self, text: str, *, expect: Expectation | None = None) -> None:
        """Type a message (commands too: "/start" gets a bot_command entity).

        ``expect``: what a PollingUser waits for (default: a new message or an edit)."""
        mark = self.fake.mark()
        update = self.fake.send_text(
            self.user_id,
            text,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
            chat_type=self._chat_type(),
        )
        await self._react(update, Outcome(self.fake, self.chat_id, mark), expect)

    async def _react(
        self, update: dict[str, Any], outcome: Outcome, expect: Expectation | None
    ) -> None:
        """Hands the update to the bot. In-process delivery returns when the bot is done, so
        there is nothing to wait for (PollingUser waits for ``expect``)."""
        await self._deliver(update)

    def _keyboard_message(self) -> StoredMessage:
        for message in reversed(self.fake.bot_messages(self.chat_id)):
            if message.inline_keyboard:
                return message
        raise AssertionError(
            f"no bot message with an inline keyboard in chat {self.chat_id}; bot messages: "
            f"{self.bot_texts()!r}"
        )

    async def press(self, label: str, *, expect: Expectation | None = None) -> None:
        """Press the inline button whose text contains ``label`` (case-insensitive).

        Looks at the newest bot message with an inline keyboard; an exact (case-insensitive)
        match wins over substring matches. AssertionError lists the buttons when none matches
        or when several buttons contain ``label``. ``expect``: what a PollingUser waits for
        (default: the press is answered and the screen changed).
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
        await self.press_data(data, message.message_id, expect=expect)

    async def press_data(
        self,
        callback_data: str,
        message_id: int | None = None,
        *,
        expect: Expectation | None = None,
    ) -> None:
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
        mark = self.fake.mark()
        update = self.fake.press(
            self.user_id,
            message_id,
            callback_data,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
        )
        query_id = str(update["callback_query"]["id"])
        outcome = Outcome(self.fake, self.chat_id, mark, message_id=message_id, query_id=query_id)
        await self._react(update, outcome, expect)

    async def edit(
        self, text: str, message_id: int | None = None, *, expect: Expectation | None = None
    ) -> None:
        """Edit one of the user's own messages (default: their newest) to ``text``."""
        if message_id is None:
            own = [m for m in self.fake.messages(self.chat_id) if not m.from_bot]
            if not own:
                raise AssertionError(f"the user has sent nothing to chat {self.chat_id}")
            message_id = own[-1].message_id
        await self.send_update(
            {"message_id": message_id, "text": text}, "edited_message", expect=expect or taken()
        )

    async def send_update(
        self, payload: dict[str, Any], kind: str = "message", *, expect: Expectation | None = None
    ) -> None:
        """Send any other update (contact, location, photo, document, inline_query, ...).

        ``expect``: what a PollingUser waits for (default: an inline query is answered; for
        anything else, a new message or an edit)."""
        mark = self.fake.mark()
        update = self.fake.send_update(
            self.user_id,
            payload,
            kind,
            chat_id=None if self.chat_id == self.user_id else self.chat_id,
            chat_type=self._chat_type(),
        )
        query = update.get(kind)
        query_id = str(query["id"]) if kind.endswith("_query") and isinstance(query, dict) else None
        outcome = Outcome(self.fake, self.chat_id, mark, query_id=query_id)
        if expect is None and kind == "inline_query":
            expect = answered()
        await self._react(update, outcome, expect)

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


class PollingUser(TelegramUser):
    """A user of a bot that runs in another process and polls the fake over HTTP.

    Every action waits until the bot took the update (confirmed it through getUpdates) and then
    for its ``expect``-ation, up to ``timeout`` seconds; AssertionError if it does not come.
    The default expectations cover a one-message reply; where the bot answers with several
    messages (or edits after it sends), say which one to wait for: the last one, e.g.
    ``expect=new_message(2)`` or ``expect=text("Saved")``.
    """

    def __init__(
        self, fake: FakeTelegram, user_id: int, *, timeout: float = 30.0, **kwargs: Any
    ) -> None:
        super().__init__(fake, user_id, _not_used, **kwargs)
        self.timeout = timeout

    async def _react(
        self, update: dict[str, Any], outcome: Outcome, expect: Expectation | None
    ) -> None:
        if expect is None:
            expect = reply_to_press() if "callback_query" in update else reply_to_message()
        update_id = int(update["update_id"])
        wait = functools.partial(self.fake.wait_for, timeout=self.timeout)
        try:
            await asyncio.to_thread(wait, lambda fake: fake.updates_confirmed(update_id))
        except TimeoutError as error:
            raise AssertionError(
                f"the bot did not take update {update_id} within {self.timeout}s "
                f"(is it polling?)\n{error}"
            ) from None
        try:
            await asyncio.to_thread(wait, lambda _: expect(outcome))
        except TimeoutError as error:
            raise AssertionError(
                f"the expected reaction to update {update_id} did not come within "
                f"{self.timeout}s; bot messages now: {self.bot_texts()[-3:]!r}\n{error}"
            ) from None


async def _not_used(update: dict[str, Any]) -> None:
    raise AssertionError("PollingUser hands updates over through the fake's getUpdates")
