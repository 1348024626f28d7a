#include "jit/runtime/entries.hpp"

#include "util/clock.hpp"

#include <jitcache/version.hpp>

#include <fmt/format.h>

namespace jitcache::jit {

namespace {

std::string
join_keys(const std::vector<Key>& keys)
{
  std::string text;
  for (const auto& key : keys) {
    text += key.to_hex();
    text += '\n';
  }
  return text;
}

Expected<std::vector<Key>>
split_keys(std::string_view text)
{
  std::vector<Key> keys;
  while (!text.empty()) {
    const auto end = text.find('\n');
    auto key = Key::from_hex(text.substr(0, end));
    if (!key) {
      return make_error(ErrorCode::corrupt,
                        fmt::format("kernel key {}: {}", keys.size() + 1, key.error().message));
    }
    keys.push_back(*key);
    text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
  }
  return keys;
}

} // namespace

Expected<StoredGraph>
read_graph_entry(const Entry& entry)
{
  const Blob* plan_blob = entry.find_blob("plan");
  const Blob* keys_blob = entry.find_blob("kernels");
  const Blob* library_file = entry.find_blob("library_file");
  const Blob* library = entry.find_blob("library");
  if (!plan_blob || !keys_blob) {
    return make_error(ErrorCode::corrupt, "a blob is missing");
  }
  auto keys = split_keys(keys_blob->data.view());
  if (!keys) {
    return std::unexpected(keys.error());
  }
  StoredGraph stored;
  if (library_file) {
    auto file_key = Key::from_hex(library_file->data.view());
    if (!file_key) {
      return make_error(ErrorCode::corrupt,
                        fmt::format("library_file: {}", file_key.error().message));
    }
    stored.library_file = *file_key;
  } else if (library) {
    stored.library = library->data;
  } else if (!keys->empty()) {
    return make_error(ErrorCode::corrupt, "a blob is missing");
  }
  auto plan = Plan::from_text(plan_blob->data.view(), keys->size());
  if (!plan) {
    return std::unexpected(plan.error());
  }
  stored.plan = std::move(*plan);
  stored.kernel_keys = std::move(*keys);
  return stored;
}

Entry
make_graph_entry(const KeyBuilder& builder, const Key& key, std::string_view plan_text,
                 const std::vector<Key>& kernel_keys, std::optional<Blob> library,
                 uint64_t compile_ms)
{
  Entry entry;
  entry.kind = std::string(k_graph_kind);
  entry.key = key;
  entry.details = builder.details();
  entry.blobs = {Blob{"plan", Bytes::copy_of(plan_text)},
                 Blob{"kernels", Bytes::copy_of(join_keys(kernel_keys))}};
  if (library) {
    entry.blobs.push_back(std::move(*library));
  }
  entry.compile_ms = compile_ms;
  stamp(entry);
  return entry;
}

Entry
make_kernel_entry(const KeyBuilder& builder, const Key& key, const CompiledKernel& kernel)
{
  Entry entry;
  entry.kind = std::string(k_kernel_kind);
  entry.key = key;
  entry.details = builder.details();
  entry.blobs = {Blob{"object", Bytes::copy_of(kernel.object)},
                 Blob{"source.cpp", Bytes::copy_of(kernel.source)}};
  entry.compile_ms = kernel.milliseconds;
  stamp(entry);
  return entry;
}

const Blob*
kernel_object(const Found& found)
{
  return found.empty() ? nullptr : found.front().find_blob("object");
}

const Blob*
kernel_object(const Expected<Found>& found)
{
  return found ? kernel_object(*found) : nullptr;
}

void
stamp(Entry& entry)
{
  entry.created_ms = util::now_ms();
  entry.producer = fmt::format("jitcache {}", version());
}

} // namespace jitcache::jit
