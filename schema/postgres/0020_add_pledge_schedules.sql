-- Recurring pledges: the schedule (every month, quarter or year from a start, for a count
-- or until an end) that yielded a pledge's instalments, as canonical JSON; NULL for a
-- pledge whose instalments were given one by one. The log's `pledge.made` entry records
-- the same schedule, and `verify` compares the two.
-- Twin of schema/migrations/0020. Never edited once landed.
ALTER TABLE pledges ADD COLUMN schedule text
    CHECK (schedule IS NULL OR json_text_is(schedule, 'object'));
