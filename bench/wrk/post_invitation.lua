-- POST /api/v1/invitations/ with a new Idempotency-Key per request:
-- wrk ... -s post_invitation.lua URL -- PATH CANDIDATE_IDS_FILE STAGE_ID RUN_NONCE
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup, response, done = common.setup, common.response, common.done
local sent = 0

function init(args)
   path, candidates, stage_id, nonce = args[1], common.read_lines(args[2]), args[3], args[4]
   math.randomseed(os.time() * 100 + thread_number)
   wrk.headers["Content-Type"] = "application/json"
end

function request()
   sent = sent + 1
   local body = string.format(
      '{"candidate_id": %s, "stage_id": %s, "expires_at": "2099-01-01T00:00:00Z", "duration_minutes": 90}',
      candidates[math.random(#candidates)], stage_id)
   -- wrk.format takes these headers instead of wrk.headers (the -H ones), not on top of them
   local headers = {["Idempotency-Key"] = string.format("bench-%s-%d-%d", nonce, thread_number, sent)}
   for name, value in pairs(wrk.headers) do headers[name] = value end
   return wrk.format("POST", path, headers, body)
end
