-- Shared by the bench's wrk scripts (bench/api.py): per-thread random seeds, a count of non-2xx
-- answers (wrk's own count leaves 3xx out) and one machine-readable summary line for bench/api_wrk.py.
local common = {}
local threads = {}

function common.setup(thread)
   thread:set("thread_number", #threads + 1)
   table.insert(threads, thread)
end

function common.read_lines(path)
   local lines = {}
   for line in io.lines(path) do
      if line ~= "" then table.insert(lines, line) end
   end
   assert(#lines > 0, "no ids in " .. path)
   return lines
end

function common.response(status, headers, body)
   if status < 200 or status > 299 then
      non_2xx = (non_2xx or 0) + 1
      if first_non_2xx == nil then
         first_non_2xx = status .. " " .. string.sub(body or "", 1, 200):gsub("[^%w%p ]", " ")
      end
   end
end

function common.done(summary, latency, requests)
   local non2xx, sample = 0, ""
   for _, thread in ipairs(threads) do
      non2xx = non2xx + (thread:get("non_2xx") or 0)
      sample = thread:get("first_non_2xx") or sample
   end
   local e = summary.errors
   io.write(string.format(
      'BENCH-RESULT {"requests": %d, "duration_us": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, ' ..
      '"non_2xx": %d, "connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, "first_non_2xx": %q}\n',
      summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.max, non2xx, e.connect, e.read, e.write, e.timeout, sample))
end

return common
