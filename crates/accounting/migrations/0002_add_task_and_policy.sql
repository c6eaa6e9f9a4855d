-- The routing decision behind each request: the recognised task kind and the
-- route policy, set when an automatic route chose the model.
ALTER TABLE usage_records ADD COLUMN task TEXT;
ALTER TABLE usage_records ADD COLUMN route_policy TEXT;
