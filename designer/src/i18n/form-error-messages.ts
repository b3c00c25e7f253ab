// A form field's error in the user's words, by the JSON Schema keyword it failed (form-errors.ts): the
// workspace's record and event forms and the administration's forms, in English and Chinese alike.

export const formErrorEn = {
  formChooseOption: 'Choose one of the options.',
  formTooShort: 'At least {limit} characters.',
  formTooLong: 'At most {limit} characters.',
  formTooFewItems: 'At least {limit} entries.',
  formTooManyItems: 'At most {limit} entries.',
  formBelowMinimum: 'At least {limit}.',
  formAboveMaximum: 'At most {limit}.',
  formAboveLimit: 'More than {limit}.',
  formBelowLimit: 'Less than {limit}.',
  formNumber: 'Enter a number.',
  formWholeNumber: 'Enter a whole number.',
  formPattern: 'Not in the expected form.',
  formFormat_email: 'Enter an e-mail address, like name@example.com.',
  formFormat_uri: 'Enter a full web address, like https://example.com.',
  formFormat_date: 'Enter a date, like 2026-12-31.',
  'formFormat_date-time': 'Enter a date and time.',
  formFormat: 'Not a valid {format}.',
  formUniqueItems: 'Each entry only once.',
} as const;

export const formErrorZh: Record<keyof typeof formErrorEn, string> = {
  formChooseOption: '请从选项中选择一项。',
  formTooShort: '至少 {limit} 个字符。',
  formTooLong: '最多 {limit} 个字符。',
  formTooFewItems: '至少 {limit} 项。',
  formTooManyItems: '最多 {limit} 项。',
  formBelowMinimum: '不能小于 {limit}。',
  formAboveMaximum: '不能大于 {limit}。',
  formAboveLimit: '必须大于 {limit}。',
  formBelowLimit: '必须小于 {limit}。',
  formNumber: '请输入数字。',
  formWholeNumber: '请输入整数。',
  formPattern: '格式不符合要求。',
  formFormat_email: '请输入电子邮箱地址，例如 name@example.com。',
  formFormat_uri: '请输入完整网址，例如 https://example.com。',
  formFormat_date: '请输入日期，例如 2026-12-31。',
  'formFormat_date-time': '请输入日期和时间。',
  formFormat: '{format} 格式不正确。',
  formUniqueItems: '每项只能出现一次。',
};
