"""What an error of DynamoDB's (or botocore's) means, as a log line that says what to do."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any, Final

from ..shown_names import shown, shown_value

__all__: list[str] = []

# AWS error codes, grouped by the advice the log line gives (botocore retries the throttling ones).
_THROTTLED: Final = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)
_REFUSED: Final = frozenset({"AccessDeniedException"})
#: The credentials themselves refused: expired, unknown, or signed with a clock far off.
_BAD_CREDENTIALS: Final = frozenset(
    {
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredTokenException",
        "MissingAuthenticationTokenException",
    }
)

# DynamoDB's words for a key that is not the table's (its name or type, or a sort key missing);
# moto's, for a key of another type.
_NOT_THE_KEY: Final = ("key element does not match the schema", "Type mismatch for key")


def _explain(
    *,
    name: str,
    where: Callable[[], str],
    secrets: Iterable[str],
    doing: str,
    code: str,
    exc: Any,
    key_name: str = "id",
    endpoint_named: Callable[[], str | None],
    create_table: bool = False,
    own_client: bool = True,
    region: str | None = None,
) -> str:
    """A log line that says what went wrong with ``doing`` on the table named ``name`` (its
    AWS error ``code``) and what to do; ``where`` says where DynamoDB was looked for, each
    of ``secrets`` (a password of the endpoint's URL) is shown as ``***``, and ``key_name`` is
    the store's partition key (``partition_key_name``); ``endpoint_named``, called for the words
    that name the endpoint URL the calls go to as the skill's author gave it (the store's
    ``endpoint_url``, or a client given's), None for one they did not (AWS's own, or one
    botocore's configuration names); ``create_table``, whether it makes its table
    (and makes it again at the next call: `DynamoDBStore._in_thread`); ``own_client``, whether
    the client is the store's (its attempts counted), not one given (``client=``); ``region``,
    the AWS region its calls named (None: not known)."""
    table = f"DynamoDB table {shown_value(name)}"
    message = _message(exc)
    for secret in secrets:
        message = message.replace(secret, "***")
    message = _one_line(message)  # (after: a password cut in two is found by neither half)
    if code == "ResourceNotFoundException" and doing in ("CreateTable", "DescribeTable"):
        # While making it (the first call, or the one after it was found deleted): the store
        # has made or found nothing this time; being deleted as it was created, say.
        return (
            f"{table} was not found in {where()} while the store was creating it ({doing}): "
            "being deleted at that moment? the store's next call tries to create it again"
        )
    if code == "ResourceNotFoundException" and create_table:
        return (
            f"{table} does not exist in {where()} ({doing}), though the store made or found it: "
            "deleted since (DynamoDB Local or LocalStack restarted without persistence)? the "
            "store's next call creates it again, empty"
        )
    if code == "ResourceNotFoundException":
        # A table is found only in its own region (DynamoDB Local and moto keep one set of
        # tables per region too): the commonest cause is a store pointed at another, where
        # "create it" alone made a second, empty table.
        used = f"region {region}" if region else "the default region"
        shown = where()  # (the region alone, ``used``, where it names no endpoint)
        place = shown if shown == used else f"{shown}, {used}"
        # (A client given makes its calls in its own region: the store's region= is not used.)
        name_it = (
            "name its region (region=…, or ?region=… in the store URL)"
            if own_client
            else "make the client given (client=) in the table's region (region_name=…)"
        )
        return (
            f"{table} does not exist in {place} ({doing}): made in another region? {name_it}; "
            "else create it (README: 'AWS Lambda with DynamoDB') or let the store create it "
            "(create_table=true)"
        )
    if code in _THROTTLED:
        tries = "3 attempts" if own_client else "the retries of the client given (client=)"
        named, fix = _throttled(code, doing, getattr(exc, "response", None))
        return f"{table} throttled {doing} ({named}) after {tries}: {fix}"
    if code in _REFUSED:
        needed = "dynamodb:GetItem and dynamodb:UpdateItem on the table"
        if doing in ("CreateTable", "DescribeTable"):  # create_table=true
            needed += (
                ", and for create_table=true dynamodb:CreateTable and dynamodb:DescribeTable "
                "too (or create the table beforehand, without create_table)"
            )
        return (
            f"{table}: AWS refused {doing} ({code}: {message}); the function's role needs {needed}"
        )
    if code in _BAD_CREDENTIALS:
        return (
            f"{table}: AWS refused the credentials for {doing} ({code}: {message}): expired, "
            "or not AWS's (check AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN or "
            "AWS_PROFILE; on Lambda the function's role gives them), or this machine's clock is "
            "off by minutes"
        )
    if code == "NoCredentialsError":
        return (
            f"{table}: no AWS credentials for {doing} (on Lambda the function's role gives "
            "them; elsewhere set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)"
        )
    if code == "NoRegionError":
        # botocore's region comes from AWS_DEFAULT_REGION or the profile's config, never from
        # AWS_REGION (its configprovider, 1.34 to 1.44 alike); Lambda sets both.
        return (
            f"{table}: no AWS region for {doing}: add ?region=… to the store URL, pass "
            "region=…, or set AWS_DEFAULT_REGION (botocore does not read AWS_REGION) or "
            f"{_profiles_region()}"
        )
    if code == "InvalidRegionError":
        # Only botocore's configuration's (region= is refused as the store is made; a client
        # given was made with its region): botocore reads AWS_DEFAULT_REGION, else the profile's.
        refused = getattr(exc, "kwargs", {}).get("region_name")
        named = (
            "AWS_DEFAULT_REGION"
            if refused is not None and os.environ.get("AWS_DEFAULT_REGION") == refused
            else "the AWS profile's region"
        )
        return (
            f"{table}: no AWS region botocore can use for {doing}: {named} is "
            f"{shown_value(refused)}, not "
            "a region name (like 'us-east-1'): correct it, or pass region=… (?region=… in the "
            "store URL)"
        )
    if code == "ConfigParseError":
        return _unparsable(table, doing, message, getattr(exc, "kwargs", {}))
    if code == "ProfileNotFound":
        return _no_profile(table, doing, getattr(exc, "kwargs", {}).get("profile"))
    if code == "ValidationException" and any(words in message for words in _NOT_THE_KEY):
        return (
            f"{table}: {doing} refused, the table's key is not the store's ({message}): the "
            f"store reads and writes a table keyed by one string partition key named "
            f"{key_name!r}, no sort key: name the table's with partition_key_name=…, or give "
            "the store a table made for it (create_table=true)"
        )
    if code == "ValidationException" and "hashkey" in message.lower().replace(" ", ""):
        # "Size of hashkey has exceeded the maximum size limit of 2048 bytes": not the item's.
        return (
            f"{table}: {doing} refused, the key is over DynamoDB's 2048 bytes for a partition "
            f"key ({message}): the store's keys are user, person or device ids, which Amazon "
            "keeps far shorter: a key made by the skill's own code?"
        )
    if code == "ValidationException" and "size" in message.lower():
        return (
            f"{table}: {doing} refused, the item would exceed DynamoDB's 400 KB ({message}): "
            "keep large data elsewhere (S3, say) with its key in the attributes, and delete "
            "what the user's item no longer needs"
        )
    if code in ("ReadTimeoutError", "ConnectionClosedError"):
        # Sent, and no answer came: a write may have been applied all the same (as when
        # the store's own deadline in _run passes first: the same words).
        made = " (the write may have been made)" if doing == "UpdateItem" else ""
        if code == "ConnectionClosedError":
            return f"{table}: the connection closed before the answer to {doing} ({message}){made}"
        return f"{table}: no answer to {doing} within the read timeout ({message}){made}"
    if code in ("EndpointConnectionError", "ConnectTimeoutError"):
        return f"{table}: cannot reach DynamoDB at {where()} for {doing} ({message})"
    # botocore's code for an answer that is no AWS error, a web page: from an endpoint_url, what
    # answers there is most likely no DynamoDB; from AWS's own, its front end's 5xx page.
    endpoint = endpoint_named() if code.isdigit() else None  # (here only: it costs a session)
    if endpoint is not None:
        return (
            f"{table}: {doing} got HTTP {code} from {where()}, not an answer of DynamoDB's "
            f"({message}): does {endpoint} lead to DynamoDB (or DynamoDB Local, moto)?"
        )
    status = _status(exc)
    if status is not None and status >= 500:
        # AWS: a write answered so may have been applied (the store retries it where safe).
        made = " (the write may have been made)" if doing == "UpdateItem" else ""
        return (
            f"{table}: {doing} failed ({code}: {message}): an error on DynamoDB's side (HTTP "
            f"{status}){made}, which passes by itself; if it lasts, see the AWS Health Dashboard"
        )
    return f"{table}: {doing} failed ({code}: {message})"


#: botocore's two files (its session's ``config_file`` and ``credentials_file``): what each is,
#: the variable that names it, its place without one, and how a profile's section starts in it.
_FILES: Final = (
    ("config", "AWS_CONFIG_FILE", "~/.aws/config", "[profile name]"),
    ("credentials", "AWS_SHARED_CREDENTIALS_FILE", "~/.aws/credentials", "[name]"),
)


def _file_path(variable: str, default: str) -> str:
    """Where botocore reads one of its files: ``variable``'s value, else ``default``, expanded
    as its configloader expands it."""
    return os.path.expanduser(os.path.expandvars(os.environ.get(variable, default)))


def _unparsable(table: str, doing: str, message: str, said: dict[str, Any]) -> str:
    """A file of botocore's it could not parse (``said``: its ConfigParseError's ``path`` and
    ``error``): which of the two, where it was named, and its first line refused, or not text
    in the encoding read (`_undecodable_line`). Only the line's number: a line of the
    credentials file may hold a secret."""
    path = said.get("path")
    error = said.get("error")
    # (configparser reads the file in the locale's encoding, UTF-8 as a rule)
    encoding = _codec_name(error.encoding) if isinstance(error, UnicodeDecodeError) else None
    named, fix = "a file of the AWS configuration", "correct it"
    for kind, variable, default, section in _FILES:
        if path is not None and path == _file_path(variable, default):
            place = variable if variable in os.environ else f"{default}, {variable} unset"
            named = f"the AWS {kind} file ({place})"
            mend = (
                f"save it as {encoding} text"
                if encoding is not None
                else f"correct it (a [default] or {section} line, then that profile's key = "
                "value lines)"
            )
            fix = f"{mend}, or set {variable} to another file"
            break
    if encoding is not None:
        line = _undecodable_line(path, encoding)
        at = f"; line {line}, not {encoding} text" if line is not None else ""
    else:
        line = _line_refused(error)
        at = f"; line {line}" if line is not None else ""
    return f"{table}: botocore cannot parse {named} for {doing} ({message}{at}): {fix}"


def _codec_name(encoding: str) -> str:
    """``encoding``'s codec name (``utf-8`` for ``UTF8``), itself if Python knows none."""
    import codecs

    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _undecodable_line(path: object, encoding: str) -> int | None:
    """The number of the first line of the file at ``path`` that is not ``encoding`` text, read
    again: the UnicodeDecodeError configparser raised has the offset in the chunk it decoded,
    not in the file. None if it cannot be read now, or decodes (changed since) as far as
    read (`_MAX_CONFIG_BYTES`)."""
    import codecs

    if not isinstance(path, str):
        return None
    try:
        with open(path, "rb") as file:
            data = file.read(_MAX_CONFIG_BYTES)
            whole = not file.read(1)
        # (incrementally: a character the bound cuts in two is not the file's fault, which
        # decoding the part read as if whole said of its last line)
        codecs.getincrementaldecoder(encoding)().decode(data, final=whole)
    except UnicodeDecodeError as exc:
        # (lines as configparser's universal newlines split them: \n, \r\n and \r)
        return len((data[: exc.start] + b"x").splitlines())
    except (OSError, LookupError):
        return None
    return None


#: The most of an AWS file read again for the line that is not text (`_undecodable_line`).
_MAX_CONFIG_BYTES: Final = 16 * 1024 * 1024


def _line_refused(error: object) -> int | None:
    """The number of the first line configparser's ``error`` refused (a section header
    missing, a duplicate: its ``lineno``; a line of no setting: the first of its ``errors``)."""
    line = getattr(error, "lineno", None)
    if line is None:
        errors = getattr(error, "errors", None)
        first = errors[0] if isinstance(errors, list) and errors else None
        line = first[0] if isinstance(first, tuple) and first else None
    return line if isinstance(line, int) else None


#: The variables naming the AWS profile botocore reads, the first set first (its session's
#: ``profile``, 1.34 to 1.44 alike).
_PROFILE_VARIABLES: Final = ("AWS_DEFAULT_PROFILE", "AWS_PROFILE")


def _profiles_region() -> str:
    """The words naming the region setting of the AWS profile botocore reads: the one a
    variable names (`_PROFILE_VARIABLES`), cut if long, else the default profile's."""
    for variable in _PROFILE_VARIABLES:
        if variable in os.environ:
            name = os.environ[variable]
            if name:
                return f"the region of the AWS profile {shown_value(name)} ({variable} names it)"
            break
    return "the region of the default AWS profile ([default])"


def _no_profile(table: str, doing: str, profile: object) -> str:
    """A profile botocore was told to use and found in neither of its files: the variable that
    names it (botocore reads AWS_DEFAULT_PROFILE first), the files and their sections for it."""
    name = profile if isinstance(profile, str) else str(profile)
    variable = next(
        (each for each in _PROFILE_VARIABLES if os.environ.get(each) == name),
        None,
    )
    config, credentials = (_file_path(variable, default) for _, variable, default, _ in _FILES)
    section = "[default]" if name == "default" else f"[profile {shown(name)}]"
    which, undo = "", "name one they have"
    if variable is not None:
        which, undo = f", which {variable} names", f"unset {variable}"
        if name != "default":
            undo += " for the default profile"
    return (
        f"{table}: no AWS profile {shown_value(name)} for {doing}{which}: add it to the AWS "
        f"config file {shown(config)} ({section}) or the credentials file {shown(credentials)} "
        f"([{shown(name)}]), or {undo} (on Lambda the function's role gives the credentials)"
    )


#: What to do for each limit a throttling reason names: the end of its ``reason``
#: (``TableReadKeyRangeThroughputExceeded``: resource, operation, limit), per DynamoDB's API
#: reference, "ThrottlingReason". ``{what}``: the table, or its index the reason names.
_THROTTLING_FIXES: Final = {
    "ProvisionedThroughputExceeded": (
        "raise {what}'s provisioned capacity or switch the table to on-demand"
    ),
    "AccountLimitExceeded": (
        "{what}, on-demand, is over the account's per-table throughput quota in this region: "
        "ask for a higher one (Service Quotas)"
    ),
    "MaxOnDemandThroughputExceeded": (
        "{what}, on-demand, is over the maximum throughput set on it: raise or remove it "
        "(MaxReadRequestUnits, MaxWriteRequestUnits)"
    ),
    "KeyRangeThroughputExceeded": (
        "one key read or written past what a partition of {what} serves, which no capacity "
        "raises: a key many requests share (one that every user's saves go under?)"
    ),
}


def _throttled_until(
    name: str, doing: str, deadline: float, throttled: tuple[str, str | None]
) -> str:
    """The words of a call of ``doing`` on table ``name`` given up at its ``deadline`` (seconds)
    while botocore waited to try it again, its last attempt ``throttled``: its code, and the
    reason DynamoDB gave (`_throttling_reason`)."""
    named, fix = _throttled_said(*throttled, doing)
    return (
        f"DynamoDB table {name!r} throttled {doing} ({named}) until its timeout passed "
        f"({deadline:g} s, retries included): {fix}"
    )


def _throttled(code: str, doing: str, response: Any) -> tuple[str, str]:
    """A throttled call of ``doing``, said as ``code``, named (with the reason DynamoDB gave in
    ``response``, botocore's parse of its error) and what to do for it (`_throttled_fix`)."""
    return _throttled_said(code, _throttling_reason(response), doing)


def _throttled_said(code: str, reason: str | None, doing: str) -> tuple[str, str]:
    """`_throttled`, from the ``reason`` DynamoDB gave (None: none)."""
    named = f"{code}: {_one_line(reason)}" if reason is not None else code
    return named, _throttled_fix(code, doing, reason)


def _throttling_reason(response: Any) -> str | None:
    """The first reason DynamoDB gave for throttling a call, in the ``response`` botocore
    parsed of its error (``ThrottlingReasons``; ``throttlingReasons`` for a
    ThrottlingException, as its model spells it): its releases before the field was modeled
    keep none."""
    if not isinstance(response, dict):
        return None
    reasons = response.get("ThrottlingReasons") or response.get("throttlingReasons")
    first = reasons[0] if isinstance(reasons, list) and reasons else None
    reason = first.get("reason") if isinstance(first, dict) else None
    return reason if isinstance(reason, str) and reason else None


def _throttled_fix(code: str, doing: str, reason: str | None) -> str:
    """What to do about a throttled call, of ``doing``, said as ``code``, for the ``reason``
    DynamoDB named (`_THROTTLING_FIXES`), if any."""
    if reason is not None:
        what = "the table's global secondary index" if reason.startswith("Index") else "the table"
        for limit, fix in _THROTTLING_FIXES.items():
            if reason.endswith(limit):
                return fix.format(what=what)
    if code == "RequestLimitExceeded":  # the account's quota, whatever the table's mode
        return "the AWS account is over its throughput quota: ask AWS Support to raise it"
    if doing in ("CreateTable", "DescribeTable"):  # the account's rate of table calls
        return (
            "too many table operations at once (many instances starting with "
            "create_table=true?): create the table beforehand, without create_table"
        )
    # No reason known (a botocore whose model has none, another server): each kind of table's.
    return (
        "a provisioned table: raise its capacity or switch it to on-demand; an on-demand "
        "table: over the maximum throughput set on it or the account's per-table quota, or "
        "one key read or written past what a partition serves"
    )


def _status(exc: Any) -> int | None:
    """The HTTP status of an AWS error's answer (None: no answer, or none said)."""
    response = getattr(exc, "response", None)
    status = (
        response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        if isinstance(response, dict)
        else None
    )
    return status if isinstance(status, int) else None


def _code(exc: Any) -> str:
    code: str = exc.response.get("Error", {}).get("Code", "") or type(exc).__name__
    return code


def _sum_out_of_range(code: str, exc: Any) -> bool:
    """Whether DynamoDB refused a write for a number its arithmetic made past its range: an
    increment's sum ("Number overflow. Attempting to store a number with magnitude larger than
    supported range"; underflow for the other end), or past its precision ("Attempting to store
    more than 38 significant digits in a Number": a stored 1.5E-37 plus 1)."""
    if code != "ValidationException":
        return False
    message = _message(exc)
    return any(words in message for words in _PAST_THE_RANGE)


#: DynamoDB's words for a number it cannot keep (`_sum_out_of_range`).
_PAST_THE_RANGE: Final = ("Number overflow", "Number underflow", "significant digits in a Number")


def _message(exc: Any) -> str:
    response = getattr(exc, "response", None)
    if isinstance(response, dict):
        text = response.get("Error", {}).get("Message")
        if text:
            return str(text)
    return str(exc)


def _one_line(text: str) -> str:
    """``text`` on one line and at most `_MESSAGE_CHARS` long: a web page's HTML, answered by
    an endpoint that is no DynamoDB, is an error's message for botocore."""
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_CHARS else text[: _MESSAGE_CHARS - 1] + "…"


#: The longest AWS error message put in a log line.
_MESSAGE_CHARS: Final = 300


def _operation_name(operation: str) -> str:
    """``get_item`` -> ``GetItem``, as AWS names the operation (and IAM the action)."""
    return "".join(part.capitalize() for part in operation.split("_"))
