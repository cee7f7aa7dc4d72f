-- wrk: every request carries a header of its own (a count), so no two are the same request and
-- jobmock answers none from a kept answer: what a list costs when it is rendered for each read.
local count = 0

request = function()
  count = count + 1
  wrk.headers["X-Bench-Request"] = tostring(count)
  return wrk.format()
end
