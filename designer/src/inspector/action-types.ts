// The action types the editor offers (built-ins plus the server's custom actions), via context.
import { createContext, useContext } from 'react';
import { builtinActionTypes, type ActionType } from '../api/actions.api.js';

export const ActionTypesContext = createContext<ActionType[]>(builtinActionTypes());

export function useActionTypes(): ActionType[] {
  return useContext(ActionTypesContext);
}
