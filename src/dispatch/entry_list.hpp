// EntryList: an ordered list of cache entries that any thread may walk without a lock while
// one writer (holding its owner's mutex) inserts, moves or removes entries.
//
// Slots are atomic pointers in a block that only grows (doubling; replaced blocks are kept
// until the list dies, so a reader never touches freed memory). A reader walking during a
// write may see an entry twice or miss one; the owner detects that with a sequence counter
// and repeats a miss under its mutex, so a transient view never causes a wrong answer.
#pragma once

#include "dispatch/cache_entry.hpp"

#include <algorithm>
#include <atomic>
#include <memory>
#include <vector>

namespace jitcache::dispatch {

class EntryList {
public:
  EntryList() { grow(8); }

  // Readers.
  template<typename Match>
  CacheEntry*
  find(Match&& match, size_t* index = nullptr) const
  {
    const Block* block = m_block.load(std::memory_order_acquire);
    const size_t size = std::min(m_size.load(std::memory_order_acquire), block->capacity);
    for (size_t i = 0; i < size; ++i) {
      CacheEntry* entry = block->slots[i].load(std::memory_order_acquire);
      if (entry != nullptr && match(*entry)) {
        if (index != nullptr) {
          *index = i;
        }
        return entry;
      }
    }
    return nullptr;
  }
  std::vector<CacheEntry*>
  snapshot() const
  {
    std::vector<CacheEntry*> entries;
    find([&](CacheEntry& entry) {
      entries.push_back(&entry);
      return false;
    });
    return entries;
  }
  size_t
  size() const
  {
    return m_size.load(std::memory_order_acquire);
  }

  // Writers.
  void
  insert(size_t position, CacheEntry* entry)
  {
    const size_t size = m_size.load(std::memory_order_relaxed);
    if (size == m_block.load(std::memory_order_relaxed)->capacity) {
      grow(size * 2);
    }
    Block& block = *m_block.load(std::memory_order_relaxed);
    for (size_t i = size; i > position; --i) {
      block.slots[i].store(block.slots[i - 1].load(std::memory_order_relaxed),
                           std::memory_order_release);
    }
    block.slots[position].store(entry, std::memory_order_release);
    m_size.store(size + 1, std::memory_order_release);
  }
  void
  move_to_front(size_t index)
  {
    Block& block = *m_block.load(std::memory_order_relaxed);
    CacheEntry* entry = block.slots[index].load(std::memory_order_relaxed);
    for (size_t i = index; i > 0; --i) {
      block.slots[i].store(block.slots[i - 1].load(std::memory_order_relaxed),
                           std::memory_order_release);
    }
    block.slots[0].store(entry, std::memory_order_release);
  }
  bool
  remove(const CacheEntry* entry)
  {
    Block& block = *m_block.load(std::memory_order_relaxed);
    const size_t size = m_size.load(std::memory_order_relaxed);
    for (size_t i = 0; i < size; ++i) {
      if (block.slots[i].load(std::memory_order_relaxed) == entry) {
        for (size_t j = i; j + 1 < size; ++j) {
          block.slots[j].store(block.slots[j + 1].load(std::memory_order_relaxed),
                               std::memory_order_release);
        }
        m_size.store(size - 1, std::memory_order_release);
        block.slots[size - 1].store(nullptr, std::memory_order_release);
        return true;
      }
    }
    return false;
  }

private:
  struct Block {
    explicit Block(size_t count) : capacity(count), slots(new std::atomic<CacheEntry*>[count]) {}
    size_t capacity;
    std::unique_ptr<std::atomic<CacheEntry*>[]> slots;
  };

  void
  grow(size_t capacity)
  {
    auto block = std::make_unique<Block>(capacity);
    const size_t size = m_size.load(std::memory_order_relaxed);
    for (size_t i = 0; i < capacity; ++i) {
      block->slots[i].store(
        i < size ? m_block.load(std::memory_order_relaxed)->slots[i].load(std::memory_order_relaxed)
                 : nullptr,
        std::memory_order_relaxed);
    }
    m_block.store(block.get(), std::memory_order_release);
    m_blocks.push_back(std::move(block));
  }

  std::atomic<Block*> m_block{nullptr};
  std::atomic<size_t> m_size{0};
  std::vector<std::unique_ptr<Block>> m_blocks; // the current one last
};

} // namespace jitcache::dispatch
