#include <jitcache/jit/tensor.hpp>

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <functional>
#include <numeric>
#include <stdexcept>

namespace jitcache::jit {

std::vector<int64_t>
contiguous_strides(const std::vector<int64_t>& sizes)
{
  std::vector<int64_t> strides(sizes.size(), 1);
  for (size_t i = sizes.size(); i-- > 1;) {
    strides[i - 1] = strides[i] * std::max<int64_t>(sizes[i], 1);
  }
  return strides;
}

namespace {

int64_t
element_count(const std::vector<int64_t>& sizes)
{
  return std::accumulate(sizes.begin(), sizes.end(), int64_t{1}, std::multiplies<>());
}

} // namespace

Tensor
Tensor::zeros(DType dtype, std::vector<int64_t> sizes)
{
  Tensor tensor = empty(dtype, std::move(sizes));
  std::memset(tensor.m_data, 0, static_cast<size_t>(tensor.numel()) * dtype_size(dtype));
  return tensor;
}

Tensor
Tensor::empty(DType dtype, std::vector<int64_t> sizes)
{
  for (auto size : sizes) {
    if (size < 0) {
      throw std::invalid_argument("Tensor::empty: negative size");
    }
  }
  const auto counted = tensor_bytes(dtype, sizes);
  if (!counted) {
    throw std::length_error(fmt::format("a tensor of {}[{}] would take more than 2^63 bytes",
                                        to_string(dtype), fmt::join(sizes, ", ")));
  }
  Tensor tensor;
  tensor.m_dtype = dtype;
  tensor.m_strides = contiguous_strides(sizes);
  const auto bytes = static_cast<size_t>(*counted);
  // 64-byte alignment: whole cache lines, and aligned vector loads in generated kernels.
  const size_t rounded = (std::max<size_t>(bytes, 1) + 63) / 64 * 64;
  void* memory = std::aligned_alloc(64, rounded);
  if (!memory) {
    throw std::bad_alloc();
  }
  tensor.m_storage = std::shared_ptr<void>(memory, std::free);
  tensor.m_data = memory;
  tensor.m_sizes = std::move(sizes);
  return tensor;
}

Tensor
Tensor::borrow(DType dtype, std::vector<int64_t> sizes, void* data, std::vector<int64_t> strides)
{
  if (!strides.empty() && strides.size() != sizes.size()) {
    throw std::invalid_argument("Tensor::borrow: strides and sizes differ in length");
  }
  Tensor tensor;
  tensor.m_dtype = dtype;
  tensor.m_strides = strides.empty() ? contiguous_strides(sizes) : std::move(strides);
  tensor.m_sizes = std::move(sizes);
  tensor.m_data = data;
  return tensor;
}

DType
Tensor::dtype() const
{
  return m_dtype;
}

const std::vector<int64_t>&
Tensor::sizes() const
{
  return m_sizes;
}

int64_t
Tensor::numel() const
{
  return element_count(m_sizes);
}

bool
Tensor::is_contiguous() const
{
  const auto expected = contiguous_strides(m_sizes);
  for (size_t i = 0; i < m_sizes.size(); ++i) {
    if (m_sizes[i] != 1 && m_strides[i] != expected[i]) {
      return false;
    }
  }
  return true;
}

Tensor
Tensor::contiguous() const
{
  if (traced() || is_contiguous()) {
    return *this;
  }
  Tensor copy = empty(m_dtype, m_sizes);
  const auto size = dtype_size(m_dtype);
  const auto count = numel();
  std::vector<int64_t> index(m_sizes.size(), 0);
  auto* out = static_cast<char*>(copy.m_data);
  for (int64_t i = 0; i < count; ++i) {
    int64_t offset = 0;
    for (size_t d = 0; d < index.size(); ++d) {
      offset += index[d] * m_strides[d];
    }
    std::memcpy(out + i * static_cast<int64_t>(size),
                static_cast<const char*>(m_data) + offset * static_cast<int64_t>(size), size);
    for (size_t d = index.size(); d-- > 0;) {
      if (++index[d] < m_sizes[d]) {
        break;
      }
      index[d] = 0;
    }
  }
  return copy;
}

namespace {

double
load_as_double(DType dtype, const void* data, int64_t offset)
{
  switch (dtype) {
  case DType::f32: return static_cast<const float*>(data)[offset];
  case DType::f64: return static_cast<const double*>(data)[offset];
  case DType::i32: return static_cast<const int32_t*>(data)[offset];
  case DType::i64: return static_cast<double>(static_cast<const int64_t*>(data)[offset]);
  case DType::boolean: return static_cast<const bool*>(data)[offset] ? 1 : 0;
  }
  return 0;
}

} // namespace

double
Tensor::at(std::span<const int64_t> index) const
{
  if (index.size() != m_sizes.size()) {
    throw std::out_of_range("Tensor::at: wrong number of indices");
  }
  int64_t offset = 0;
  for (size_t d = 0; d < index.size(); ++d) {
    if (index[d] < 0 || index[d] >= m_sizes[d]) {
      throw std::out_of_range("Tensor::at: index out of range");
    }
    offset += index[d] * m_strides[d];
  }
  return load_as_double(m_dtype, m_data, offset);
}

double
Tensor::flat(int64_t i) const
{
  return load_as_double(m_dtype, m_data, i);
}

std::string
describe(const Tensor& tensor)
{
  return fmt::format("{}[{}]", to_string(tensor.dtype()), fmt::join(tensor.sizes(), ", "));
}

} // namespace jitcache::jit
