-- Why an automatic route chose the model: a short fixed-vocabulary phrase
-- (never request text), the same one the client saw in x-switchboard-reason.
ALTER TABLE usage_records ADD COLUMN route_reason TEXT;
