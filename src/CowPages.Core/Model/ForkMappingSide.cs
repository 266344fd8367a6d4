namespace CowPages;

/// <summary>Which of the two processes has a mapping over a range.</summary>
public enum ForkMappingSide
{
    /// <summary>Both map the range with the same name: its pages were compared.</summary>
    Both,
    /// <summary>Only the reference maps the range (for example, the child unmapped it): not compared.</summary>
    ReferenceOnly,
    /// <summary>Only the difference maps the range (for example, the child mapped it after the fork): not compared.</summary>
    DifferenceOnly,
}
