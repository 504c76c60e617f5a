// The page of /__ui__: the bytes of src/system/ui/index.html, which the
// build embeds (src/system/ui/embed.cmake writes the definition into a
// generated ui_page.cpp in the build tree).
#pragma once

#include <string_view>

namespace process::system {

extern const std::string_view kUiPage;

}  // namespace process::system
