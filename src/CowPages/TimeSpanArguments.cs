using System;
using System.Globalization;
using System.Management.Automation;

namespace CowPages;

/// <summary>
/// Reads a number given for a TimeSpan parameter as seconds: PowerShell would take <c>-Interval 2</c> for 2 ticks of
/// 100 ns, and <c>-Interval '2'</c> for two days. Anything else (a TimeSpan, <c>'0:0:2'</c>) binds as usual.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SecondsToTimeSpanAttribute : ArgumentTransformationAttribute
{
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            int or long or short or byte or uint or ulong or ushort or sbyte => TimeSpan.FromSeconds(Convert.ToDouble(value, CultureInfo.InvariantCulture)),
            double d => TimeSpan.FromSeconds(d),
            float f => TimeSpan.FromSeconds(f),
            decimal m => TimeSpan.FromSeconds((double)m),
            string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) => TimeSpan.FromSeconds(seconds),
            _ => inputData,
        };
    }
}

/// <summary>
/// Rejects a TimeSpan that is zero or negative, or longer than a year (which no watch needs, and whose schedule
/// arithmetic would overflow near TimeSpan.MaxValue), as a parameter validation error.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ValidatePositiveTimeSpanAttribute : ValidateArgumentsAttribute
{
    private static readonly TimeSpan Longest = TimeSpan.FromDays(366);

    protected override void Validate(object arguments, EngineIntrinsics engineIntrinsics)
    {
        if (arguments is TimeSpan span && span <= TimeSpan.Zero)
        {
            throw new ValidationMetadataException(
                $"{span} is not a positive time span: give a time span greater than zero, such as 00:00:01 or a number of seconds (0.5).");
        }
        if (arguments is TimeSpan tooLong && tooLong > Longest)
        {
            throw new ValidationMetadataException($"{tooLong} is longer than a year (366 days), the longest time span a watch takes.");
        }
    }
}
