#pragma once
#include <array>
#include <cstdint>
#include <limits>
#include <stdexcept>
#include <vector>

#include "core/huge_pages.hpp"
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

/// One packet (data or ACK), 32 bytes. A packet in flight sits in the FIFO of the link it is
/// crossing (PacketFifo, in a PacketPool) and moves (is copied) to the next link's FIFO at
/// each hop; `next` is the slot of the packet behind it in that FIFO (kNone for the last).
struct Packet {
  core::Time due;            // arrival at the far end of the link it is crossing
  std::uint32_t flow;        // owning flow id
  std::uint32_t path;        // fabric path it takes between edge switches
  std::uint32_t seq;         // packet number within its flow, from 0 (an ACK: the one it acks)
  std::uint32_t next;        // slot of the next packet in its link's FIFO; kNone for the last
  std::uint32_t wire_bytes;  // payload + header: what the serializer sends
  std::uint16_t hop;         // index of the link it is crossing on its route
  std::uint8_t flags;        // kAck | kEcnCapable | kCongestion | kEcnEcho | kRetransmission
};
static_assert(sizeof(Packet) == 32, "two packets to a cache line");

/// The packets of one link, in order: a list threaded through Packet::next.
struct PacketFifo {
  std::uint32_t head = kNone;
  std::uint32_t tail = kNone;

  bool empty() const { return head == kNone; }
};

/// Storage of every packet in flight, in blocks of kBlock slots (one cache line) recycled
/// through a LIFO free list. A block belongs to one FIFO, which fills its slots in order, so
/// the packets waiting at a link lie next to each other (the packet behind the head is
/// usually on the head's line, a push usually writes the line of the last one) and a block
/// taken from the free list is the one freed last, still in the cache. A FIFO holds at most
/// one partly used block at each end. Allocation happens only while the pool grows to the
/// most blocks ever in use at once, never per packet in steady state; a slot index is stable
/// while its packet is in its FIFO.
class PacketPool {
 public:
  static constexpr std::uint32_t kBlock = 2;

  /// Appends a copy of `packet` (which must not live in this pool: its storage may move) at
  /// the FIFO's tail, links the previous tail to it, and returns its slot.
  std::uint32_t push(PacketFifo& fifo, const Packet& packet) {
    std::uint32_t s = 0;
    if (fifo.tail != kNone && fifo.tail % kBlock != kBlock - 1) {
      s = fifo.tail + 1;  // the rest of the tail's block is the FIFO's own
    } else {
      s = take_block();
    }
    Packet& stored = slots_[s];
    stored = packet;
    stored.next = kNone;
    if (fifo.tail == kNone) {
      fifo.head = s;
    } else {
      slots_[fifo.tail].next = s;
    }
    fifo.tail = s;
    return s;
  }
  /// Removes the head (the FIFO must not be empty); frees its block when it was the block's
  /// last packet.
  void pop(PacketFifo& fifo) {
    const std::uint32_t p = fifo.head;
    const std::uint32_t next = slots_[p].next;
    if (next == kNone) {
      fifo.head = fifo.tail = kNone;
      free_block(p / kBlock);
    } else {
      if (next / kBlock != p / kBlock) free_block(p / kBlock);
      fifo.head = next;
    }
  }
  /// Removes every packet.
  void clear(PacketFifo& fifo) {
    while (!fifo.empty()) pop(fifo);
  }

  Packet& operator[](std::uint32_t s) { return slots_[s]; }
  const Packet& operator[](std::uint32_t s) const { return slots_[s]; }
  /// Slots ever allocated (in use or free): the most packets alive at once, rounded up to
  /// whole blocks per link.
  std::size_t capacity() const { return slots_.size(); }

 private:
  std::uint32_t take_block() {
    if (free_ != kNone) {
      const std::uint32_t b = free_;
      free_ = slots_[b * kBlock].next;
      return b * kBlock;
    }
    const std::size_t s = slots_.size();
    if (s + kBlock >= kNone) throw std::length_error("packet pool: more than 2^32 packets");
    slots_.resize(s + kBlock);
    return static_cast<std::uint32_t>(s);
  }
  void free_block(std::uint32_t b) {
    slots_[b * kBlock].next = free_;
    free_ = b;
  }

  std::vector<Packet, core::HugePageAllocator<Packet>> slots_;
  std::uint32_t free_ = kNone;  // first free block
};

}  // namespace fabricsim::net
