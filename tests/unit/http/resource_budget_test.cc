#include "tradeagg/http/resource_budget.h"

#include <gtest/gtest.h>

namespace tradeagg::http {
namespace {

TEST(ResourceBudgetTest, ConnectionsBeyondTheLimitAreRefusedUntilOneCloses) {
  ResourceBudget budget(2, 100);
  auto a = budget.TryOpenConnection();
  auto b = budget.TryOpenConnection();
  auto c = budget.TryOpenConnection();
  EXPECT_TRUE(a);
  EXPECT_TRUE(b);
  EXPECT_FALSE(c);
  EXPECT_EQ(budget.open_connections(), 2u);
  a.Release();
  EXPECT_TRUE(budget.TryOpenConnection());  // taken and given back at once
  EXPECT_EQ(budget.open_connections(), 1u);
}

TEST(ResourceBudgetTest, BodyBytesAreReservedUpToTheLimitAndReturnedOnDestruction) {
  ResourceBudget budget(10, 100);
  {
    auto first = budget.TryReserveBody(60);
    ASSERT_TRUE(first);
    EXPECT_FALSE(budget.TryReserveBody(41));
    auto second = budget.TryReserveBody(40);
    EXPECT_TRUE(second);
    EXPECT_EQ(budget.buffered_body_bytes(), 100u);
  }
  EXPECT_EQ(budget.buffered_body_bytes(), 0u);
  EXPECT_FALSE(budget.TryReserveBody(101));
}

TEST(ResourceBudgetTest, AZeroReservationIsHeldAndCanGrow) {
  ResourceBudget budget(10, 100);
  auto lease = budget.TryReserveBody(0);
  ASSERT_TRUE(lease);
  EXPECT_TRUE(budget.TryExtendBody(lease, 70));
  EXPECT_EQ(lease.amount(), 70u);
  EXPECT_TRUE(budget.TryExtendBody(lease, 50));  // never shrinks: the buffer keeps its capacity
  EXPECT_EQ(lease.amount(), 70u);
  auto other = budget.TryReserveBody(20);
  EXPECT_FALSE(budget.TryExtendBody(lease, 81));
  EXPECT_EQ(lease.amount(), 70u);
  EXPECT_EQ(budget.buffered_body_bytes(), 90u);
}

TEST(ResourceBudgetTest, AMovedLeaseIsReleasedOnce) {
  ResourceBudget budget(10, 100);
  auto lease = budget.TryReserveBody(30);
  ResourceBudget::Lease moved = std::move(lease);
  EXPECT_FALSE(lease);  // NOLINT(bugprone-use-after-move): the moved-from lease is empty
  EXPECT_EQ(budget.buffered_body_bytes(), 30u);
  moved = budget.TryReserveBody(10);  // the old 30 go back
  EXPECT_EQ(budget.buffered_body_bytes(), 10u);
}

}  // namespace
}  // namespace tradeagg::http
