"""Admin sign-in throttling: wrong passwords pause the account they were tried on, only where they
came from, exactly, in every worker process, with or without Redis.

The rules:

- **An account at an address** (``core.client.client_ip``): after ``PAIR_LIMIT`` (10) wrong
  passwords in ``WINDOW`` (15 minutes), that account cannot be signed into from that address until
  the window ends. Other accounts at the same address (colleagues behind one office NAT or the
  site's reverse proxy) sign in as usual. A right password resets the count.
- **An account on a browser that signed in to it before**: a successful sign-in leaves a signed
  cookie naming the account (as a keyed hash) and a random browser id. With it, attempts count
  under (account, browser) instead of (account, address), with the same limit. An attacker never
  holds that cookie, so their failures cannot lock the owner out of their usual browser.
- **An account from anywhere, without that cookie**: ``ACCOUNT_LIMIT`` (50) wrong passwords per
  window from all addresses together. Beyond that, the account can be signed into only from a
  browser that signed in to it before, until the window ends. A guess spread over many addresses
  gets at most 50 tries per 15 minutes, and the owner keeps their access. This is the device-cookie
  scheme of OWASP's "Slow Down Online Guessing Attacks with Device Cookies". ``signin_unlock
  <username>`` clears all of an account's counters.
- Accounts that exist and accounts that do not are counted alike, so a pause reveals nothing.

Why this mechanism:

- **The counters live in the database** (``core.models.SignInCounter``), not in the cache. All
  worker processes and app servers share them. The default install has no Redis, and there each
  process has its own LocMemCache, so cache counters would let each worker allow its own 10 tries.
  A Redis outage cannot turn sign-in into an error page or open the door.
- **An attempt is counted before its password is checked**, by one conditional UPDATE: ``failures
  = failures + 1 WHERE failures < limit``. PostgreSQL re-checks the condition on the locked row,
  and SQLite runs one writing transaction at a time (``transaction_mode=IMMEDIATE``). So of any
  number of simultaneous attempts, exactly the first ``limit`` are checked. The rest are refused
  with a 429 page saying when to try again, and their password is never looked at. A right password
  gives its count back.
- **Keys are keyed hashes** (HMAC with ``SECRET_KEY``) of the account name and of the address or
  browser id, so the table holds no names or addresses in the clear.
- **Stale counters are removed cheaply.** Each time a counter starts a new window, one indexed
  DELETE removes every counter whose window has ended. It runs after the attempt's own
  transaction has committed, so the attempt and the DELETE never wait for each other in a cycle.
"""

import datetime
import logging
import math
import secrets
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.crypto import salted_hmac

from core.client import client_ip
from core.models import SignInCounter

logger = logging.getLogger(__name__)

PAIR_LIMIT = 10
ACCOUNT_LIMIT = 50
WINDOW = datetime.timedelta(minutes=15)

BROWSER_COOKIE = "signin_browser"
BROWSER_COOKIE_SALT = "core.signin.browser"
BROWSER_COOKIE_MAX_AGE = 365 * 24 * 60 * 60
BROWSER_COOKIE_ACCOUNTS = 5  # the accounts a browser is remembered for, most recent first


def account_hash(username: str) -> str:
    """The keyed hash of an account name: stripped, NFKC-normalised and casefolded, so variants
    of one name share their counters."""
    name = unicodedata.normalize("NFKC", username.strip()).casefold()
    return salted_hmac("core.signin.account", name, algorithm="sha256").hexdigest()


def counter_key(kind: str, account: str, where: str = "") -> str:
    value = f"{account}\x00{where}"
    return f"{kind}:" + salted_hmac(f"core.signin.{kind}", value, algorithm="sha256").hexdigest()


@dataclass
class Browser:
    """What the browser's sign-in cookie says: its random id and the accounts it signed in to."""

    id: str
    accounts: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, request) -> "Browser | None":
        value = request.get_signed_cookie(
            BROWSER_COOKIE, default=None, salt=BROWSER_COOKIE_SALT, max_age=BROWSER_COOKIE_MAX_AGE
        )
        if not value:
            return None
        browser_id, _, accounts = value.partition(":")
        return cls(browser_id, [a for a in accounts.split(".") if a]) if browser_id else None


@dataclass
class Attempt:
    """One sign-in attempt: the counters it was counted under, or when it may be tried again."""

    account: str
    browser: Browser | None
    claimed: list[str] = field(default_factory=list)
    retry_at: datetime.datetime | None = None
    paused: str = ""  # "here" (this address or browser) or "account" (new browsers)

    @property
    def refused(self) -> bool:
        return self.retry_at is not None

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil((self.retry_at - timezone.now()).total_seconds()))


def signin_counter_claim(*, key: str, account: str, limit: int) -> datetime.datetime | None:
    """Counts one attempt under ``key`` unless ``limit`` attempts are already counted in its
    window; returns None when counted, else when the window ends (the attempt is refused)."""
    now = timezone.now()
    window_opened = now - WINDOW
    counters = SignInCounter.objects.filter(key=key)
    new_window = False
    with transaction.atomic():
        for _ in range(3):  # a concurrent attempt may create, restart or reset the row meanwhile
            current = counters.filter(window_start__gt=window_opened)
            if current.filter(failures__lt=limit).update(failures=F("failures") + 1):
                return None
            expired = counters.filter(window_start__lte=window_opened)
            if expired.update(failures=1, window_start=now):
                new_window = True
                break
            row = counters.values_list("window_start", "failures").first()
            if row is None:
                try:
                    with transaction.atomic():
                        SignInCounter.objects.create(
                            key=key, account=account, failures=1, window_start=now
                        )
                except IntegrityError:
                    continue
                new_window = True
                break
            started, failures = row
            if started > window_opened and failures >= limit:
                return started + WINDOW
        else:
            return now + WINDOW  # the row kept changing under us; refusing is the safe answer
    if new_window:
        signin_counters_expire()
    return None


def signin_counter_release(*, key: str) -> None:
    """Gives back one counted attempt (it turned out right, or was refused by another counter)."""
    with transaction.atomic():
        counters = SignInCounter.objects.filter(key=key, failures__gt=0)
        counters.update(failures=F("failures") - 1)


def signin_counter_reset(*, key: str) -> None:
    """Forgets a counter: a right password clears the wrong ones before it."""
    with transaction.atomic():
        SignInCounter.objects.filter(key=key).delete()


def signin_counters_expire() -> int:
    """Deletes the counters whose window has ended (indexed; usually nothing). Housekeeping: a
    database error here is logged and never fails a sign-in."""
    try:
        with transaction.atomic():
            deleted, _ = SignInCounter.objects.filter(
                window_start__lte=timezone.now() - WINDOW
            ).delete()
    except DatabaseError as exc:  # e.g. two clean-ups deleting the same rows at once
        logger.warning("expired sign-in counters not removed this time: %s", exc)
        return 0
    return deleted


def signin_unlock(*, username: str) -> int:
    """Lifts every pause on an account, from every address and browser; returns the counters
    removed."""
    with transaction.atomic():
        deleted, _ = SignInCounter.objects.filter(account=account_hash(username)).delete()
    return deleted


def signin_attempt_start(*, request, username: str) -> Attempt:
    """Counts a sign-in attempt before its password is checked, or says when it may be tried."""
    account = account_hash(username)
    browser = Browser.of(request)
    attempt = Attempt(account=account, browser=browser)
    if browser is not None and account in browser.accounts:
        here = counter_key("browser", account, browser.id)
    else:
        here = counter_key("address", account, client_ip(request))
    attempt.retry_at = signin_counter_claim(key=here, account=account, limit=PAIR_LIMIT)
    if attempt.refused:
        attempt.paused = "here"
        return attempt
    attempt.claimed.append(here)
    if here.startswith("browser:"):
        return attempt
    everywhere = counter_key("account", account)
    attempt.retry_at = signin_counter_claim(key=everywhere, account=account, limit=ACCOUNT_LIMIT)
    if attempt.refused:
        attempt.paused = "account"
        signin_counter_release(key=here)
        attempt.claimed.clear()
        return attempt
    attempt.claimed.append(everywhere)
    return attempt


def signin_attempt_succeed(*, attempt: Attempt, response, path: str) -> None:
    """A right password: this address's or browser's count is reset, the attempt is not counted
    against the account, and the browser is remembered for the account."""
    here, *everywhere = attempt.claimed
    signin_counter_reset(key=here)
    for key in everywhere:
        signin_counter_release(key=key)
    browser = attempt.browser or Browser(secrets.token_urlsafe(16))
    accounts = [attempt.account, *(a for a in browser.accounts if a != attempt.account)]
    response.set_signed_cookie(
        BROWSER_COOKIE,
        f"{browser.id}:{'.'.join(accounts[:BROWSER_COOKIE_ACCOUNTS])}",
        salt=BROWSER_COOKIE_SALT,
        max_age=BROWSER_COOKIE_MAX_AGE,
        path=path,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
