-- Recurring pledges: the schedule (every month, quarter or year from a start, for a count
-- or until an end) that yielded a pledge's instalments, as canonical JSON; NULL for a
-- pledge whose instalments were given one by one. The log's `pledge.made` entry records
-- the same schedule, and `verify` compares the two.
-- Twin: schema/postgres/0020. Never edited once landed.
ALTER TABLE pledges ADD COLUMN schedule TEXT
    CHECK (schedule IS NULL OR (json_valid(schedule) AND json_type(schedule) = 'object'));
