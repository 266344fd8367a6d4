using System;
using System.Management.Automation;
using CowPages.Report;

namespace CowPages;

/// <summary>
/// Reads a ForkSample (Watch-ForkPages) into the report's sample. Any object with the sample's properties will do,
/// so that samples saved with Export-Clixml or made by hand draw the same chart.
/// </summary>
internal static class SampleInput
{
    /// <summary>The properties an object needs to be drawn as a sample.</summary>
    internal static readonly string[] Required = { "Timestamp", "DifferenceId", "CopiedBytes", "SharedBytes" };

    /// <summary>The sample, or null when <paramref name="input"/> lacks one of the <see cref="Required"/> properties.</summary>
    /// <exception cref="PSInvalidCastException">A property holds a value of the wrong kind.</exception>
    internal static ReportSample? From(PSObject input)
    {
        foreach (string name in Required)
        {
            if (input.Properties[name] is null)
            {
                return null;
            }
        }
        return new ReportSample(
            Time(Value(input, "Timestamp")),
            Value(input, "Elapsed") is object elapsed ? LanguagePrimitives.ConvertTo<TimeSpan>(elapsed) : TimeSpan.Zero,
            Value(input, "ReferenceId") is object reference ? LanguagePrimitives.ConvertTo<int>(reference) : 0,
            LanguagePrimitives.ConvertTo<int>(Value(input, "DifferenceId")),
            LanguagePrimitives.ConvertTo<ulong>(Value(input, "SharedBytes")),
            LanguagePrimitives.ConvertTo<ulong>(Value(input, "CopiedBytes")),
            Value(input, "CopiedBytesPerSecond") is object rate ? LanguagePrimitives.ConvertTo<double>(rate) : 0,
            Value(input, "Method")?.ToString(),
            Value(input, "Mapping")?.ToString());
    }

    private static object? Value(PSObject o, string name) => o.Properties[name]?.Value;

    /// <summary>
    /// A sample's time as it came: a DateTimeOffset live; its text from remoting (which sends it at depth 1); its
    /// property bag from Export-Clixml (depth 2), rebuilt from its UTC time and offset.
    /// </summary>
    private static DateTimeOffset Time(object? value)
    {
        if (value is PSObject bag && bag.BaseObject is PSCustomObject
            && bag.Properties["UtcDateTime"]?.Value is DateTime utc && bag.Properties["Offset"]?.Value is TimeSpan offset)
        {
            return new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToOffset(offset);
        }
        return LanguagePrimitives.ConvertTo<DateTimeOffset>(value);
    }
}
