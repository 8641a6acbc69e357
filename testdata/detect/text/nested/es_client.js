const assert = require('assert')

function check (headers) {
  assert.deepStrictEqual(headers, { authorization: 'ApiKey ZWxhc3RpYzpjaGFuZ2VkLTQ0' })
  return 'Basic auth is used'
}
module.exports = check
