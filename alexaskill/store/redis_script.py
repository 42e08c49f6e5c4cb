"""The Lua scripts `RedisStore` saves and cancels saves with, and the bounds they keep."""

from __future__ import annotations

from typing import Final

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
# value the script lets through: 8,223,372,036,854,775,807 (2**63 - 1 - 10**18) or less in size.
# Every value is checked before anything is written: Lua does not undo what ran before an error.
_MAX_STEP: Final = 10**18
# The token is looked for first: a save sent again after its answer was lost is not checked
# against what its first run wrote; found, it is kept a day (another copy may be on its way).
# It is set only once the checks have passed: a refused save leaves none, and is refused again
# if sent again.
_UPDATE_SCRIPT: Final = f"""
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('EXPIRE', KEYS[2], {_KEPT_A_DAY})
  return 0
end
local n = tonumber(ARGV[2])
for i = 0, n - 1 do
  local field = ARGV[3 + 2 * i]
  local value = redis.call('HGET', KEYS[1], field)
  if value then
    local digits = string.match(value, '^%-?(%d+)$')
    if not digits then
      local kind = string.find('"[{{tfn', string.sub(value, 1, 1), 1, true)
      kind = ({{'str', 'list', 'dict', 'bool', 'bool', 'NoneType'}})[kind or 0] or 'float'
      return redis.error_reply("attribute '" .. field .. "' holds " .. kind .. ': not incremented')
    end
    if #digits > 19 or (#digits == 19 and digits > '8223372036854775807') then
      return redis.error_reply(
        "attribute '" .. field .. "' is too large to increment in Redis (64 bits)")
    end
  end
end
if not redis.call('SET', KEYS[2], '1', 'NX', 'EX', tonumber(ARGV[1])) then
  return 0
end
for i = 0, n - 1 do
  redis.call('HINCRBY', KEYS[1], ARGV[3 + 2 * i], ARGV[4 + 2 * i])
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
