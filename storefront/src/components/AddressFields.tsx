/** The fields of a shipping address, with the API's field errors beside each. */
export const COUNTRIES: [string, string][] = [
  ["NO", "Norway"],
  ["SE", "Sweden"],
  ["DK", "Denmark"],
  ["FI", "Finland"],
  ["IS", "Iceland"],
  ["DE", "Germany"],
  ["NL", "Netherlands"],
  ["BE", "Belgium"],
  ["FR", "France"],
  ["ES", "Spain"],
  ["IT", "Italy"],
  ["AT", "Austria"],
  ["IE", "Ireland"],
  ["GB", "United Kingdom"],
  ["PL", "Poland"],
  ["US", "United States"],
];

export interface AddressValues {
  line1: string;
  line2: string;
  city: string;
  postal_code: string;
  country: string;
}

export const EMPTY_ADDRESS: AddressValues = { line1: "", line2: "", city: "", postal_code: "", country: "NO" };

function Field({
  id,
  label,
  error,
  ...input
}: { id: string; label: string; error?: string | undefined } & React.InputHTMLAttributes<HTMLInputElement>) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined} {...input} />
      {error && (
        <p className="field-error" id={`${id}-error`}>
          {error}
        </p>
      )}
    </div>
  );
}

export function AddressFields({
  prefix,
  value,
  onChange,
  errors,
}: {
  prefix: string;
  value: AddressValues;
  onChange: (next: AddressValues) => void;
  errors: Record<string, string>;
}) {
  const set = (name: keyof AddressValues) => (event: React.ChangeEvent<HTMLInputElement | HTMLSelectElement>) =>
    onChange({ ...value, [name]: event.target.value });
  const error = (name: string) => errors[`shipping_address.${name}`] ?? errors[name];
  return (
    <div className="address-fields">
      <Field id={`${prefix}-line1`} label="Street address" autoComplete="address-line1" required maxLength={200} value={value.line1} onChange={set("line1")} error={error("line1")} />
      <Field id={`${prefix}-line2`} label="Apartment, floor (optional)" autoComplete="address-line2" maxLength={200} value={value.line2} onChange={set("line2")} error={error("line2")} />
      <div className="row">
        <Field id={`${prefix}-postal`} label="Postal code" autoComplete="postal-code" required maxLength={20} value={value.postal_code} onChange={set("postal_code")} error={error("postal_code")} />
        <Field id={`${prefix}-city`} label="City" autoComplete="address-level2" required maxLength={100} value={value.city} onChange={set("city")} error={error("city")} />
      </div>
      <div className="field">
        <label htmlFor={`${prefix}-country`}>Country</label>
        <select id={`${prefix}-country`} autoComplete="country" value={value.country} onChange={set("country")}>
          {COUNTRIES.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        {error("country") && <p className="field-error">{error("country")}</p>}
      </div>
    </div>
  );
}

export { Field };
