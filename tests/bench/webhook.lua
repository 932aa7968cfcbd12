-- wrk script: replays pre-signed webhooks (gen_webhooks.py), one unique event per request.
-- Arguments: the webhooks file, and optionally the line to start at (so that a second run
-- against the same server sends events it has not seen).
local bodies, sigs, n, i = {}, {}, 0, 0

function init(args)
  for line in io.lines(args[1]) do
    local tab = line:find("\t", 1, true)
    n = n + 1
    sigs[n] = line:sub(1, tab - 1)
    bodies[n] = line:sub(tab + 1)
  end
  i = (tonumber(args[2]) or 0) % n
end

function request()
  i = i % n + 1
  return wrk.format("POST", "/webhook", {
    ["Content-Type"] = "application/json",
    ["x-line-signature"] = sigs[i],
  }, bodies[i])
end
