#include "network/message_codec.hpp"
