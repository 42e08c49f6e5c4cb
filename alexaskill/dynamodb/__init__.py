"""Attributes in Amazon DynamoDB, where skills on AWS Lambda keep them: `DynamoDBStore`.

The table layout is the default of Amazon's ``ask-sdk-dynamodb-persistence-adapter`` (Python
and Node.js alike), so a skill moving from the ASK SDK keeps its users' data: one item per key,
the key in a string partition key named ``id``, and every attribute of that key in one map
column named ``attributes``::

    {"id": {"S": "amzn1.ask.account.…"}, "attributes": {"M": {"visits": {"N": "3"}, …}}}

Values are stored as DynamoDB's own types (numbers, strings, booleans, null, lists, maps), as
the SDK stores them, so either side reads what the other wrote. Two differences from the JSON
the other stores keep, both DynamoDB's (and see `DynamoDBStore.update` on increments): a number
is a decimal, so a whole float (``2.0``) reads back as the int ``2``; and a number must fit
DynamoDB's range (38 significant digits, magnitude from 1E-130 to under 1E+126), which a save
checks, failing with a `ResponseError` that names the attribute (where in it, and the range);
an increment's sum, which DynamoDB makes, is checked by DynamoDB, and its refusal is the same
`ResponseError`, naming the attributes added to. Values the SDK may have
written that JSON cannot hold read as lists (string and number sets) or base64 text (binary).

An update is one ``UpdateItem`` that sets and removes only the names that changed, inside the
item's map (``SET attributes.#name = :value``, ``REMOVE attributes.#other``), so it is atomic,
keeps the names it does not touch and every other column of the item (a TTL column, say), and
gives the same last-writer-wins-per-name guarantee as the other stores. Each save also sets
the item's ``alexaskill_saved_at`` column (its time, in microseconds) on condition that it holds
an earlier one: a write the store gave up on that reaches DynamoDB late does nothing over a save
made since. `Attributes.increment` is DynamoDB's own addition in the same expression (``SET
attributes.#n = if_not_exists(…, 0) + :by``), so overlapping requests all count. The first
save for a key creates the map with a conditional write. A save that does not fit one
``UpdateItem`` (DynamoDB limits an expression to 4 KB and 300 operators: about 240 changed
names, or 60 increments) is refused with a `ResponseError`, writing nothing: sent in several,
it would not be atomic.

The AWS client library (``botocore``, from ``pip install 'alexaskill[dynamodb]'``) is imported
on the store's first operation, in a worker thread, never when a skill merely imports
alexaskill, so a Lambda cold start of a skill that does not use the store is unchanged.
"""

from .store import DynamoDBStore
from .url import dynamodb_store_from_url

__all__ = ["DynamoDBStore", "dynamodb_store_from_url"]
