"""What the hello pack's skills return."""

from pilothouse import Record


class Greeting(Record):
    id: int
    name: str
    text: str
    emailed: bool


class GreetingCount(Record):
    count: int


class Summary(Record):
    count: int
    message_id: int
