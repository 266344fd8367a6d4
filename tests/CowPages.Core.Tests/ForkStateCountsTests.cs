using System;
using Xunit;

namespace CowPages.Core.Tests;

public class ForkStateCountsTests
{
    [Fact]
    public void EachStateLandsInItsOwnCounter()
    {
        var counts = new ForkStateCounts();
        ForkPageState[] states = Enum.GetValues<ForkPageState>();
        for (int i = 0; i < states.Length; i++)
        {
            // State i added i + 1 times, so a swapped pair of counters shows up.
            for (int n = 0; n <= i; n++)
            {
                counts.Add(states[i]);
            }
        }
        Assert.Equal(1UL, counts.Shared);
        Assert.Equal(2UL, counts.Zero);
        Assert.Equal(3UL, counts.Copied);
        Assert.Equal(4UL, counts.ReferenceOnly);
        Assert.Equal(5UL, counts.DifferenceOnly);
        Assert.Equal(6UL, counts.Swapped);
        Assert.Equal(7UL, counts.NotPresent);
        Assert.Equal(28UL, counts.Total);
        Assert.Equal(7, states.Length);
    }

    [Fact]
    public void DefaultIsEmpty()
    {
        Assert.Equal(0UL, default(ForkStateCounts).Total);
    }
}
