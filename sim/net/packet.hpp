#pragma once
#include <cstdint>
#include <limits>
#include <vector>

#include "core/units.hpp"

namespace fabricsim::net {

/// "No packet" / "no flow" in the index-linked lists below.
inline constexpr std::uint32_t kNone = std::numeric_limits<std::uint32_t>::max();

/// Flag bits of a packet.
inline constexpr std::uint8_t kAck = 1;         // an acknowledgement travelling dst -> src
inline constexpr std::uint8_t kEcnCapable = 2;  // a switch may mark it instead of queueing silently
inline constexpr std::uint8_t kCongestion = 4;  // marked Congestion Experienced on its way
inline constexpr std::uint8_t kEcnEcho = 8;     // ACK of a packet that arrived marked
inline constexpr std::uint8_t kRetransmission = 16;  // a copy sent again, or the ACK of one

/// One packet (data or ACK). Packets travel by index into a PacketPool; `next` links a packet
/// into the one list it is in at a time (a port's FIFO, a link's ring or the pool's free
/// list), so queues never allocate.
struct Packet {
  core::Time due;            // arrival at the far end of the link it is crossing
  std::uint32_t flow;        // owning flow id
  std::uint32_t path;        // fabric path it takes between edge switches
  std::uint32_t seq;         // packet number within its flow, from 0 (an ACK: the one it acks)
  std::uint32_t next;        // next packet in the list it is in
  std::uint32_t wire_bytes;  // payload + header: what the serializer sends
  std::uint16_t hop;         // index of the link it is crossing on its route
  std::uint8_t flags;        // kAck | kEcnCapable | kCongestion | kEcnEcho | kRetransmission
};

/// Packets recycled through a free list: allocation happens only while the pool grows to
/// the largest number of packets ever alive at once, never per packet in steady state.
class PacketPool {
 public:
  std::uint32_t acquire() {
    if (free_ == kNone) {
      packets_.emplace_back();
      return static_cast<std::uint32_t>(packets_.size() - 1);
    }
    const std::uint32_t p = free_;
    free_ = packets_[p].next;
    return p;
  }
  void release(std::uint32_t p) {
    packets_[p].next = free_;
    free_ = p;
  }
  Packet& operator[](std::uint32_t p) { return packets_[p]; }
  const Packet& operator[](std::uint32_t p) const { return packets_[p]; }
  /// Packets ever allocated (live + free): the high-water mark of packets alive at once.
  std::size_t capacity() const { return packets_.size(); }

 private:
  std::vector<Packet> packets_;
  std::uint32_t free_ = kNone;
};

/// A FIFO of packets threaded through Packet::next: O(1) push and pop, no storage of its own.
struct PacketFifo {
  std::uint32_t head = kNone;
  std::uint32_t tail = kNone;

  bool empty() const { return head == kNone; }
  void push(PacketPool& pool, std::uint32_t p) {
    pool[p].next = kNone;
    if (tail == kNone) {
      head = p;
    } else {
      pool[tail].next = p;
    }
    tail = p;
  }
  std::uint32_t pop(PacketPool& pool) {
    const std::uint32_t p = head;
    head = pool[p].next;
    if (head == kNone) tail = kNone;
    return p;
  }
};

}  // namespace fabricsim::net
