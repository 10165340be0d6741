local names = {"Kathryn Barr", "Huawei Technologies", "Usama bin Laden", "Maria Lopez Garcia", "Golden Star Trading LLC", "Rosoboronexport", "Jane Smith", "Acme Widgets GmbH"}
local i = 0
request = function()
  i = i + 1
  local body = '{"name": "' .. names[(i % #names) + 1] .. '"}'
  return wrk.format("POST", "/screen", {["Content-Type"] = "application/json"}, body)
end
