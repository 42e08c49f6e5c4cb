"""Attributes in Amazon DynamoDB, where skills on AWS Lambda keep them: `DynamoDBStore`."""

from .store import DynamoDBStore, dynamodb_store_from_url

__all__ = ["DynamoDBStore", "dynamodb_store_from_url"]
