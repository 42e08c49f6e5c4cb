"""The Lua scripts `RedisStore` saves and cancels saves with, the keys and bounds they keep."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from ..shown_names import shown_value
from .data_faults import _MAX_COUNTED

__all__: list[str] = []

# Seconds a save's token is kept where a copy of the save may still be on its way (the second
# try, a token found, a cancel): far beyond any network delay.
_KEPT_A_DAY: Final = 86400
# Sets a save's token to 'cancelled' unless it is there; returns what it holds: '1' if the
# update script set it (the save was applied), else 'cancelled'.
_CANCEL_SCRIPT: Final = """
if redis.call('SET', KEYS[1], 'cancelled', 'NX', 'EX', tonumber(ARGV[1])) then
  return 'cancelled'
end
return redis.call('GET', KEYS[1])
"""
# Increments within what HINCRBY adds without overflow (a signed 64-bit integer) to any stored
# value the script lets through: 8,223,372,036,854,775,807 (2**63 - 1 - 10**18) or less in size
# (`data_faults._MAX_STEP`, `data_faults._MAX_COUNTED`: the bounds of every store's increments).
# Every value is checked before anything is written: Lua does not undo what ran before an error.
# A value that is none of those integers is returned with its name, nothing written, for the
# store to say why (`redis_errors._not_added`).
# The token is looked for first: a save sent again after its answer was lost is not checked
# against what its first run wrote; found, it is kept a day (another copy may be on its way).
# It is set only once the checks have passed: a refused save leaves none, and is refused again
# if sent again.
# JSON's whitespace around a stored value (another program's ' 5'), which HINCRBY refuses, is
# trimmed by a scan from each end: a pattern such as '^%s*(.-)%s*$' tries its end at every
# character of a run of whitespace inside the value, quadratic in the run's length (a 200 KB
# value holding a run of 20,000 spaces kept Redis busy 3.6 s, blocking all its clients).
_UPDATE_SCRIPT: Final = f"""
local function trimmed(value)
  local first = string.find(value, '[^ \\t\\n\\r]')
  if not first then
    return ''
  end
  local last = #value
  local byte = string.byte(value, last)
  while byte == 32 or byte == 9 or byte == 10 or byte == 13 do
    last = last - 1
    byte = string.byte(value, last)
  end
  return string.sub(value, first, last)
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], {_KEPT_A_DAY})
  return 0
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local field = ARGV[3 + 2 * i]
  local value = redis.call('HGET', KEYS[1], field)
  if value then
    -- The other stores read ' 5' as the number it surrounds, and so does the check.
    local bare = trimmed(value)
    -- A JSON integer (no leading zero; '-0' is 0, as every store reads it) that HINCRBY adds
    -- to in 64 bits.
    local digits = (bare == '0' or bare == '-0') and '0' or string.match(bare, '^%-?([1-9]%d*)$')
    if not digits or #digits > 19 or (#digits == 19 and digits > '{_MAX_COUNTED}') then
      -- Nothing written: the name and the value as it is (bulk strings: any bytes, line
      -- breaks too, which an error reply cannot hold), for the store to say why in Python, in
      -- the words of the other stores' increment. The whole value: named from a start of it,
      -- it was named otherwise than they name it (a float as no integer, text that is no JSON
      -- as a str); a load reads it whole, too.
      return {{field, value}}
    end
  end
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[1])) then
  return 0
end
for i = 0, n - 1 do
  local field = ARGV[3 + 2 * i]
  local value = redis.call('HGET', KEYS[1], field)
  local bare = value and trimmed(value)
  if bare == '-0' then
    bare = '0'  -- which HINCRBY reads
  end
  if bare and bare ~= value then
    redis.call('HSET', KEYS[1], field, bare)  -- checked above: the integer, for HINCRBY
  end
  redis.call('HINCRBY', KEYS[1], field, ARGV[4 + 2 * i])
end
local at = 3 + 2 * n
local m = tonumber(ARGV[at])
for i = 0, m - 1 do
  redis.call('HSET', KEYS[1], ARGV[at + 1 + 2 * i], ARGV[at + 2 + 2 * i])
end
for i = at + 1 + 2 * m, #ARGV do
  redis.call('HDEL', KEYS[1], ARGV[i])
end
return 1
"""


#: The least ``proto-max-bulk-len`` Redis takes (512 MB by default), in bytes: a save this large
#: may be one Redis refuses for its size, answering "Protocol error" or dropping the connection.
_LEAST_BULK_LIMIT: Final = 1024 * 1024


def _too_large(
    where: str, encoded: Mapping[str, str], cause: BaseException | None, *, refused: bool
) -> str | None:
    """Why Redis (``where``) failed a save of the ``encoded`` values with ``cause``, if that is
    their size: it answers "Protocol error" to a value over its bulk limit (``refused``), or
    drops the connection as it comes (``refused=False``: a connection error, Redis answering the
    cancel sent next). None for another cause, or a save too small for either."""
    from redis.exceptions import ConnectionError, ResponseError

    if refused:
        if not isinstance(cause, ResponseError) or "Protocol error" not in str(cause):
            return None
    elif not isinstance(cause, ConnectionError):
        return None
    sizes = {name: len(name.encode()) + len(text.encode()) for name, text in encoded.items()}
    total = sum(sizes.values())
    if total < _LEAST_BULK_LIMIT:
        return None
    largest = max(sizes, key=sizes.__getitem__)
    save = f"a save of {total:,} bytes (attribute {shown_value(largest)}: {sizes[largest]:,})"
    how = f"refused {save} ({cause})" if refused else f"dropped the connection of {save} twice"
    return (
        f"{where} {how}: "
        "Redis takes no value over its proto-max-bulk-len (512 MB by default; CONFIG GET "
        "proto-max-bulk-len) and no command over its client-query-buffer-limit (1 GB by "
        "default); nothing was saved: keep large data elsewhere (a file, S3) and its key in "
        "the attributes"
    )


def _token(prefix: str, name: str, unique: str) -> str:
    """The token key of a save to the hash ``name``: under ``prefix`` (an ACL's key pattern
    holds it), and in the hash slot of ``name`` on Redis Cluster, whose scripts may touch only
    keys of one slot: ``<prefix>saves:{<name>}:<unique>``, the braces a hash tag (the part
    of the key a cluster hashes). When ``name`` holds braces that make that impossible (a
    prefix with an unclosed ``{``, say), the key without the tag: fine but for a cluster."""
    tagged = f"{prefix}saves:{{{_hashed(name)}}}:{unique}"
    if _hashed(tagged) == _hashed(name):
        return tagged
    return f"{prefix}saves:{unique}"


def _hashed(key: str) -> str:
    """The part of ``key`` Redis Cluster hashes to find its slot: what the first ``{…}`` with
    something in it holds, else the whole key."""
    start = key.find("{")
    if start >= 0:
        end = key.find("}", start + 1)
        if end > start + 1:
            return key[start + 1 : end]
    return key
