// The signatures robot webhooks ask for: SHA-256, HMAC-SHA256 and base64.
#pragma once
#include <string>
#include <string_view>

namespace sdesk {

// The SHA-256 digest of data (32 raw bytes).
std::string sha256(std::string_view data);
// HMAC-SHA256 of data under key (RFC 2104; 32 raw bytes).
std::string hmac_sha256(std::string_view key, std::string_view data);
// Standard base64 with padding.
std::string base64(std::string_view bytes);

}  // namespace sdesk
