-- GET a path with a random id from a file: wrk ... -s get.lua URL -- PATH_TEMPLATE IDS_FILE
-- PATH_TEMPLATE holds "{id}", e.g. /api/v1/attempts/{id}/ or /api/v1/candidates/?external_id={id}
package.path = debug.getinfo(1, "S").source:match("@?(.*/)") .. "?.lua;" .. package.path
local common = require("common")

setup, response, done = common.setup, common.response, common.done

function init(args)
   template, ids = args[1], common.read_lines(args[2])
   math.randomseed(os.time() * 100 + thread_number)
end

function request()
   local id = ids[math.random(#ids)]
   return wrk.format("GET", (template:gsub("{id}", id)))
end
