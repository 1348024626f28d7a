#include "util/build_id.hpp"

#include "util/hex.hpp"

#include <cstdint>
#include <cstring>
#include <link.h>
#include <span>

namespace jitcache::util {

namespace {

struct Search {
  uintptr_t code = 0;
  std::optional<std::string> build_id;
};

bool
holds(const dl_phdr_info& object, uintptr_t address)
{
  for (ElfW(Half) i = 0; i < object.dlpi_phnum; ++i) {
    const auto& segment = object.dlpi_phdr[i];
    const uintptr_t start = object.dlpi_addr + segment.p_vaddr;
    if (segment.p_type == PT_LOAD && address >= start && address - start < segment.p_memsz) {
      return true;
    }
  }
  return false;
}

// The NT_GNU_BUILD_ID note among the object's PT_NOTE segments, if any. Notes are aligned to
// 4 bytes (ELF's gABI; 8-byte aligned notes keep 4-byte sizes), name and description padded.
std::optional<std::string>
build_id_note(const dl_phdr_info& object)
{
  for (ElfW(Half) i = 0; i < object.dlpi_phnum; ++i) {
    const auto& segment = object.dlpi_phdr[i];
    if (segment.p_type != PT_NOTE) {
      continue;
    }
    // The loader gives the object's base as an integer.
    const auto* bytes = reinterpret_cast<const uint8_t*>( // NOLINT(performance-no-int-to-ptr)
      object.dlpi_addr + segment.p_vaddr);
    const size_t align = segment.p_align == 8 ? 8 : 4;
    auto padded = [align](size_t size) { return (size + align - 1) / align * align; };
    size_t at = 0;
    while (segment.p_filesz - at >= sizeof(ElfW(Nhdr))) {
      ElfW(Nhdr) header{};
      std::memcpy(&header, bytes + at, sizeof(header));
      const size_t name_at = at + sizeof(header);
      const size_t description_at = name_at + padded(header.n_namesz);
      const size_t next = description_at + padded(header.n_descsz);
      if (next > segment.p_filesz || next <= at) {
        break;
      }
      if (header.n_type == NT_GNU_BUILD_ID && header.n_namesz == 4 &&
          std::memcmp(bytes + name_at, "GNU", 4) == 0 && header.n_descsz > 0) {
        return to_hex(std::span<const uint8_t>(bytes + description_at, header.n_descsz));
      }
      at = next;
    }
  }
  return std::nullopt;
}

} // namespace

std::optional<std::string>
build_id_of_code(const void* code)
{
  Search search;
  search.code = reinterpret_cast<uintptr_t>(code);
  ::dl_iterate_phdr(
    [](dl_phdr_info* object, size_t, void* data) {
      auto& state = *static_cast<Search*>(data);
      if (!holds(*object, state.code)) {
        return 0;
      }
      state.build_id = build_id_note(*object);
      return 1; // stop: this object holds the code
    },
    &search);
  return search.build_id;
}

} // namespace jitcache::util
