#include "network/http_decoder.hpp"
